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

/* How many containers one loaded program can record at once. */
#define MAX_RECORDINGS 64

/* How many live processes descended from containers' inits are tracked. */
#define MAX_MEMBERS 65536

/* Value of the namespace filter, keyed by a PID namespace inode. A task of
 * that PID namespace belongs to the recording if it is in the container's
 * mount namespace or descends from the container's init: another container
 * sharing the PID namespace (or the host, with --pid=host) is neither. */
struct target {
	__u32 slot;     /* index into the seen map */
	__u32 mntns;    /* the container's mount namespace inode */
	__u32 started;  /* set once the runtime's first prctl is seen */
	__u32 pad;
};

/* Value of the members map, keyed by the tgid of a container's init or of
 * one of its descendants. */
struct member {
	__u32 slot;
	__u32 is_init;
};

/* One bit per (abi, nr): set the first time a syscall is seen. */
struct seen_bitmap {
	__u64 words[SEEN_WORDS];
};

enum event_kind {
	EVENT_SYSCALL = 1, /* first sighting of (abi, nr) in a slot */
	EVENT_EXIT = 2,    /* the container's init thread group is gone */
};

struct event {
	__u32 kind;
	__u32 slot;
	__u32 abi;
	__u32 nr;
};

/* Every first sighting of every slot plus one exit per slot fits in the ring
 * buffer even if user space never drained it: an event can never be dropped.
 * (8 bytes is the ring buffer's per-record header.) */
#define EVENTS_PER_SLOT (ABI_COUNT * MAX_SYSCALL_NR + 1)
#define EVENT_RECORD_BYTES (sizeof(struct event) + 8)

#endif
