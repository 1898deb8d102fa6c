// SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
// A profile as an OCI artifact, the form CRI-O pulls for
// io.kubernetes.cri-o.seccompProfile and Kubernetes KEP-6061 defines (the
// Security Profiles Operator's spoc pushes the same): an OCI image manifest
// whose config media type and artifact type are
// application/vnd.cncf.seccomp-profile.config.v1+json, with an empty config
// and one layer, the profile in the OCI runtime spec's LinuxSeccomp JSON.
// Written into an OCI image layout directory; `skopeo copy oci:DIR:TAG
// docker://REGISTRY/NAME:TAG` pushes it unchanged (same digest).
#pragma once

#include <string>
#include <string_view>

#include "profile/ruleset.h"

inline constexpr std::string_view kSeccompArtifactType = "application/vnd.cncf.seccomp-profile.config.v1+json";

// The profile in the runtime spec's LinuxSeccomp format, which runtimes read
// strictly: refuses what it cannot say (includes/excludes, archMap, a
// user-space notifier).
std::string runtime_spec_profile(const RuleSet& rules);

// Writes `profile` as the artifact tagged `tag` into the OCI image layout
// `dir` (created if need be; its other tags are kept, a tag of that name is
// replaced). Returns the manifest's digest, "sha256:HEX", by which a
// runtime pins it.
std::string write_oci_artifact(const std::string& dir, const std::string& tag, const std::string& profile);
