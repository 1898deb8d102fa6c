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

/* Key of the namespace filter: the task's PID namespace inode. */
struct target {
	__u32 slot;     /* index into the seen map */
	__u32 mntns;    /* 0: any; else the mount namespace inode too must match */
	__u32 started;  /* set once the runtime's first prctl is seen */
	__u32 pad;
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
