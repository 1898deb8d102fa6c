// SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
// The report beside every profile (OUT.report.json): what one recording saw
// and how it ended, for CI pipelines to read.
#pragma once

#include <cstdint>
#include <ctime>
#include <map>
#include <optional>
#include <set>
#include <string>

struct Report {
	std::string container_id;
	std::optional<std::string> container_name; // where the engine says it
	std::string profile;                        // the profile's path
	std::optional<bool> under_seccomp;          // a filter was active; none if unknown
	struct timespec started = {};
	struct timespec ended = {};
	std::string ended_by; // "init exit", "signal 15", "snapshot"
	// SCMP_ARCH_* -> names; denied: seen only on leaving the kernel (a seccomp
	// filter refused them).
	// killed: the syscalls at which the filter killed a task (SIGSYS).
	// workload_denied: refused (or killed at) by a seccomp filter the
	// workload installed itself on top of the container's: its own policy,
	// nothing a profile could allow.
	std::map<std::string, std::set<std::string>> recorded, denied, killed, workload_denied;
	uint64_t untracked = 0; // processes past the tracking limit
};

std::string render_report(const Report& report);

// RFC 3339 in UTC, to the millisecond.
std::string utc_time(const struct timespec& t);
