// SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
// What /proc/PID/stat says about a process that names it for good: pids are
// reused, (pid, start time) pairs are not. And pidfds, which hold on to one
// process whatever becomes of its pid; and which user namespace we run in.
#pragma once

#include <sys/types.h>

#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string_view>

#include "base/fd.h"

struct ProcStat {
	char state;     // R, S, Z...
	pid_t ppid;     // the parent's pid
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

// The real, effective, saved and filesystem uids of a /proc/PID/status
// text's "Uid:" line; none if it has none.
std::optional<std::array<uid_t, 4>> parse_status_uids(std::string_view status);
// None if there is no such process.
std::optional<std::array<uid_t, 4>> proc_uids(pid_t pid);

// A pidfd of `pid`: empty, with errno set (ESRCH: no such process), if
// none can be had.
UniqueFd pidfd_open(pid_t pid);
// A pidfd of the process that started at `start` as `pid`; none if it has
// gone, or if its pid now names another process.
std::optional<UniqueFd> open_process(pid_t pid, uint64_t start);
// Whether the process behind `pidfd` has exited (a zombie has).
bool has_exited(int pidfd);
// Waits up to `timeout` (none if it is negative) for the process behind
// `pidfd` to exit; false if it still runs.
bool wait_exited(int pidfd, std::chrono::milliseconds timeout);

// Whether a /proc/PID/uid_map is the initial user namespace's: one line that
// maps every uid to itself.
bool is_initial_uid_map(std::string_view uid_map);
// Whether this process runs in the node's initial user namespace, not in one
// of its own (rootless podman runs its hooks in its user namespace).
bool in_initial_user_namespace();
// Root in the node's initial user namespace: what loading or joining the
// node's BPF program takes (a rootless podman hook is root only in its own).
bool node_root();
