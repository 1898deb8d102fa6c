/* SPDX-License-Identifier: Apache-2.0 */
/* Types shared by recorder.bpf.c and the hook's user side. */
#ifndef OCI_SECCOMP_RECORDER_TYPES_H
#define OCI_SECCOMP_RECORDER_TYPES_H

/* Syscall numbers are recorded per ABI: the native one, the 32-bit compat one
 * (i386 on x86_64, arm on arm64) and x32. Numbers at or above MAX_SYSCALL_NR
 * cannot name a syscall and are not recorded. */
#define MAX_SYSCALL_NR 1024
enum recorder_abi {
	ABI_NATIVE = 0,
	ABI_COMPAT = 1,
	ABI_X32 = 2,
	ABI_COUNT = 3,
};
#define SEEN_WORDS (ABI_COUNT * MAX_SYSCALL_NR / 64)

/* One program serves every recording on the node: each has a slot. */
#define MAX_RECORDINGS 64

/* How many live processes of one container are tracked (its init and its
 * descendants), and so how many the members map holds at most: room for every
 * recording's, so that no container, however many processes it runs, can
 * take another's. Past the limit a process is recorded only while it is in
 * its container's mount namespace. The margin covers forks that race past
 * the check on other CPUs. The map's buckets are allocated whole (16 bytes
 * each, rounded up to a power of two): 1024 keeps them at 2 MiB. */
#define MAX_MEMBERS_PER_RECORDING 1024
#define MAX_MEMBERS (MAX_RECORDINGS * (MAX_MEMBERS_PER_RECORDING + 64))

/* A task belongs to a recording if one of its PID namespaces (its own or one
 * it is nested in) and its mount namespace are the container's, or if it
 * descends from the container's init (then its mount namespace may be its
 * own). The PID namespace alone would mix up containers that share one, and
 * the host under --pid=host. */
struct target_key {
	__u32 pidns;
	__u32 mntns;
};

/* A recording's slot. User space owns every field but `started`, `execed`,
 * `members`, `gated` and `untracked`, which the program updates. */
struct slot {
	__u32 in_use;
	__u32 started;   /* set at the runtime's first prctl in the namespace */
	__u32 execed;    /* set at the first exec after that: the container's process runs */
	__u32 pidns;
	__u32 mntns;
	__u32 init_tgid;
	__u32 owner_pid; /* the tracing child */
	__u32 members;   /* live processes of it in the members map */
	__u32 watch_denied; /* the container runs under a seccomp filter: note what it refuses */
	__u32 gated;     /* members not recorded yet (entrants before their prctl) */
	__u64 owner_start; /* its start time (clock ticks after boot) */
	__u64 untracked; /* descendants past MAX_MEMBERS_PER_RECORDING */
};

/* The members map: the tgid of a container's init or of one of its
 * descendants, or of a process that entered the container from outside
 * (runc exec), and its recording's slot. An entrant is gated: the runtime's
 * set-up of it (runc exec's Go start-up) is not the container's, so it is
 * recorded from its own first prctl on, as the init is, and so are its
 * children from then. */
struct member {
	__u32 slot;
	__u32 gated;
};

/* Per task of a recording that watches what its seccomp filter denies:
 * between its sys_enter and its sys_exit, `entered` is 1. */
struct watched_task {
	__u32 slot;
	__u32 entered;
};

/* One bit per (abi, nr): set the first time a syscall is seen. */
struct seen_bitmap {
	__u64 words[SEEN_WORDS];
};

#endif
