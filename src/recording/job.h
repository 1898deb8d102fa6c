// SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
// What a recording needs before it starts, all checked before the container
// runs: the container, where the profile, its report and its resource go,
// the if: profile, the container's own filter. The hook prepares it for a
// container it records itself, the recording service for a caller's.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "base/acting_user.h"
#include "node/target.h"
#include "oci/annotation.h"
#include "oci/state.h"
#include "profile/container_filter.h"
#include "profile/profile.h"
#include "profile/profile_dir.h"
#include "profile/report.h"

// How recordings are made, as the node's administrator set it; an
// annotation decides args: and denied: for its container.
struct RecordingOptions {
	std::string btf_cache_dir = "/var/cache/oci-seccomp-recorder"; // empty: no BTF cache (see BtfCache)
	bool seccompprofile = false;
	bool allow_denied = false;
	bool arg_rules = false;
	// Seconds the program stays loaded, detached, after the last recording
	// on the node (0: unloaded at once).
	unsigned linger = 600;
};

// Where the profile also goes as a SeccompProfile resource, and its name.
struct ResourceOutput {
	OutputFile file;
	std::string name;
};

// Where the report goes, and what is known of the container before it runs.
struct ReportOutput {
	OutputFile file;
	Report base;
};

struct RecordingJob {
	Target target;
	OutputFile output;
	std::optional<ResourceOutput> resource;
	ReportOutput report;
	std::optional<InputProfile> input;   // the if: profile
	std::optional<ContainerFilter> container_filter; // config.json's, if it has one
	std::string btf_cache_dir;           // empty: no BTF cache (see BtfCache)
	bool allow_denied = false;           // allow what the container's filter denied
	bool arg_rules = false;              // allow syscalls only with the argument values seen
	std::optional<uid_t> owner;          // the user a service recording is for (status shows it)
	std::chrono::seconds linger{0};      // see RecordingOptions
};

// The job for the container of `state`, recorded as `req` asks, into
// `dir`; its target is left for the caller to resolve (and check). `seccomp`
// is config.json's linux.seccomp (null: none; absent: not known). Throws, in
// one line, on a path or an input profile it refuses.
RecordingJob prepare_job(const State& state, const Request& req, ProfileDir dir,
			 const std::optional<nlohmann::json>& seccomp, const RecordingOptions& opts);
