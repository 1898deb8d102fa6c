// SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
// What /proc/PID/stat says about a process that names it for good: pids are
// reused, (pid, start time) pairs are not.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string_view>

struct ProcStat {
	char state;     // R, S, Z...
	uint64_t start; // clock ticks after boot
};

// The fields of a /proc/PID/stat line; none if it is not one. The command
// name may hold anything, parentheses and spaces too.
std::optional<ProcStat> parse_proc_stat(std::string_view line);
// None if there is no such process.
std::optional<ProcStat> proc_stat(pid_t pid);
// Whether the process that started at `start` as `pid` still runs: not gone,
// not a zombie nobody reaped, not another one under a reused pid.
bool process_alive(pid_t pid, uint64_t start);
