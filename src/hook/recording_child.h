// SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
// The tracing child: forked by the hook, records the container until its
// init exits, then writes the profile.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "node/target.h"
#include "profile/container_filter.h"
#include "profile/profile.h"
#include "profile/profile_dir.h"
#include "profile/report.h"

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
};

// Forks the tracing child and returns once it is recording. Throws with the
// child's one-line reason if it failed, or if it did not get there within
// `timeout`; the child is then killed and reaped.
void start_recording_child(RecordingJob job, std::chrono::milliseconds timeout);
