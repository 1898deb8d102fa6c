// SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
// The container to record: its init process and the namespaces that tell
// its tasks apart from everyone else's.
#pragma once

#include <sys/types.h>

#include <cstdint>

#include "base/fd.h"

struct Target {
	pid_t pid = 0;      // the init's pid on the host
	UniqueFd pidfd;     // pins that process: readable once it has exited
	uint32_t pidns = 0; // PID namespace inode
	uint32_t mntns = 0; // mount namespace inode
	// Held for the whole recording: a namespace lives while a descriptor of
	// it is open, so its inode number, which the BPF maps match on, cannot be
	// freed and given to another container's namespace meanwhile.
	UniqueFd pidns_fd, mntns_fd;
};

// Refuses a pid that is not a live process, and a container that shares its
// PID namespace and its mount namespace with the hook (recording it would
// record the host).
Target resolve_target(pid_t pid);
