// SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
// Who asks the recording service, as the kernel tells it (never as the
// request says), and whether the container named is theirs.
#pragma once

#include <sys/types.h>

#include <functional>
#include <optional>

#include "base/acting_user.h"
#include "base/fd.h"

struct Caller {
	pid_t pid = 0;  // the connecting process (SO_PEERCRED)
	UserIds ids{};  // its uid and gid on the node
	uid_t account = 0; // the node user it answers to (account_of)
	UniqueFd pidfd; // that same process, whatever becomes of its pid
};

// The node user a process answers to: in a user namespace, the owner of the
// outermost one below the node's (rootless podman's, whatever uid of its
// range the process runs as, so that a per-user cap is not dodged by
// switching to a subordinate uid); in the node's own, its uid. None if it
// is gone, or if its uids differ (a set-uid program acts for two users).
std::optional<uid_t> account_of(pid_t pid);

// The process on the other end of a connection to the service. Throws if
// it cannot be told.
Caller identify_peer(int conn);

// Whether `pid` is `ancestor` or descends from it, following `parent_of`
// (none: no such process) at most 4096 steps up.
bool descends_from(pid_t pid, pid_t ancestor, const std::function<std::optional<pid_t>(pid_t)>& parent_of);

// Throws, in one line, unless the process `pid` (the container's init) is
// the caller's: it answers to the caller's account, and descends from the
// runtime that ran the caller (the caller's parent), which answers to that
// account too. Returns a pidfd of the process checked: while it has not
// exited, `pid` is that process.
UniqueFd require_owned(const Caller& caller, pid_t pid);
