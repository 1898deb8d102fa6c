// SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
// Our own hooks.d entry (the oci-hooks(5) JSON the package installs), read
// by the runc wrapper so that a runtime that reads no hooks.d runs the hook
// exactly as podman and CRI-O do: same binary, arguments and conditions.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

inline constexpr const char* kHooksJsonName = "oci-seccomp-recorder.json";

struct HooksEntry {
	std::string source;              // the file it came from
	nlohmann::ordered_json hook;     // path, args, env, timeout: as the runtime spec has them
	std::vector<std::string> stages; // prestart, createRuntime, ...
	nlohmann::ordered_json when;
};

// The directories searched, highest precedence first:
// $OCI_SECCOMP_RECORDER_HOOKS_DIR if set, else /etc/containers/oci/hooks.d
// then /usr/share/containers/oci/hooks.d.
std::vector<std::string> hooks_dirs();

// The entry from the first directory that has kHooksJsonName. Throws if none
// has it, or if it is not a valid 1.0.0 entry.
HooksEntry load_hooks_entry(const std::vector<std::string>& dirs);

// Whether the entry's "when" holds for a container's OCI config.json, as
// podman evaluates it: every condition given must hold (always: true;
// annotations: any key/value pattern pair matches an annotation; commands:
// one matches process.args[0]; hasBindMounts: true and the container has
// one). Patterns are searched, not anchored, as Go's MatchString does.
bool applies(const HooksEntry& entry, const nlohmann::ordered_json& config);
