// SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
// The prestart hook: reads the container's state on stdin, decides from its
// annotation whether and where to record, checks every path before anything
// runs, and starts the recording child; returns once it records.
#pragma once

#include <chrono>
#include <string>

struct HookOptions {
	std::chrono::milliseconds timeout{10000}; // for the recording to start
	std::string profile_dir;
	std::string log_file;
	std::string btf_cache_dir = "/var/cache/oci-seccomp-recorder";
	bool verbose = false;
	bool seccompprofile = false;
	bool allow_denied = false;
	bool arg_rules = false;
};

// The exit status for the runtime: 0 when recording (or nothing asked);
// throws with the one-line reason otherwise.
int prestart(const HookOptions& opts);
