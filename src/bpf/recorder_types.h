// SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
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
/* The bit that marks an x32 syscall number on x86_64's 64-bit entry. */
#define X32_SYSCALL_BIT 0x40000000
/* The bit of (abi, nr) in a struct seen_bitmap: ABI after ABI. */
#define SEEN_BIT(abi, nr) ((abi) * MAX_SYSCALL_NR + (nr))

/* One program serves every recording on the node: each has a slot. */
#define MAX_RECORDINGS 1024

/* How many live processes of one container are tracked by descent (its
 * init's descendants that left its mount namespace, and processes that
 * entered it from outside): past the limit a process is recorded only while
 * it is in its container's mount namespace. Each tracked task carries its
 * recording in task storage, so no container's processes take room from
 * another's; the limit bounds what one container costs the kernel. */
#define MAX_MEMBERS_PER_RECORDING 1024
/* Processes being set up by the runtime (runc exec) at once, node-wide:
 * past that an entrant is recorded from its start, runc's set-up too. */
#define MAX_GATED 4096
/* New tasks tracked by descent between their fork and their first event. */
#define MAX_NEWBORN 4096

/* The inode of the host's PID namespace (the kernel's PROC_PID_INIT_INO). */
#define HOST_PIDNS_INO 0xeffffffcU

/* Set by user space for every recording. */
struct settings {
	__u32 host_recordings; /* recordings whose PID namespace is the host's */
	__u32 generation;      /* the last recording's (struct slot) */
	__u32 tidy_from;       /* the slot the next claim's check of tracing children starts at */
	/* Bumped after every change of the pidns map or of host_recordings:
	 * a task's answer kept in pidns_known from before it is looked up again. */
	__u32 pidns_epoch;
};

/* A task's recorded PID namespace (0: none), as looked up at pidns_epoch. */
struct pidns_known {
	__u32 epoch;
	__u32 pidns;
};

/* A task belongs to a recording if one of its PID namespaces (its own or one
 * it is nested in) and its mount namespace are the container's, or if it
 * descends from the container's init (then its mount namespace may be its
 * own). The PID namespace alone would mix up containers that share one, and
 * the host under --pid=host. */
struct target_key {
	__u32 pidns;
	__u32 mntns;
};

/* Argument rules: for these syscalls a recording that asks for them also
 * keeps the values of the register arguments that select what the call may
 * do (struct arg_key), so that its profile allows only those. clone3 takes
 * its flags behind a pointer, which a seccomp filter cannot read: its
 * namespace flags are kept as clone's, the profile answers clone3 ENOSYS,
 * and libc falls back to clone, which is filtered. */
/* The one list of them: X(ENUM, name), each with what is kept. The BPF
 * program, the argument-rule table, --help and the tests all compile from
 * it; clone3, which has no rule of its own, comes last. */
#define ARG_SYSCALLS(X)                                                       \
	X(ARG_SOCKET, socket)               /* family << 8 | (type & SOCK_TYPE_MASK) */ \
	X(ARG_CLONE, clone)                 /* flags & CLONE_NS_FLAGS */          \
	X(ARG_UNSHARE, unshare)             /* flags & UNSHARE_NS_FLAGS */        \
	X(ARG_SETNS, setns)                 /* nstype & UNSHARE_NS_FLAGS */       \
	X(ARG_PERSONALITY, personality)     /* persona */                         \
	X(ARG_PRCTL, prctl)                 /* option */                          \
	X(ARG_IOCTL, ioctl)                 /* request */                         \
	X(ARG_MMAP, mmap)                   /* prot & PROT_WX */                  \
	X(ARG_MPROTECT, mprotect)           /* prot & PROT_WX */                  \
	X(ARG_PKEY_MPROTECT, pkey_mprotect) /* prot & PROT_WX */                  \
	X(ARG_CLONE3, clone3)               /* recorded under ARG_CLONE */

enum arg_syscall {
#define ARG_SYSCALL_ENUM(id, name) id,
	ARG_SYSCALLS(ARG_SYSCALL_ENUM)
#undef ARG_SYSCALL_ENUM
	ARG_SYSCALL_COUNT,
	ARG_RULE_COUNT = ARG_CLONE3, /* the syscalls with a rule of their own */
};
/* CLONE_NEWNS | CLONE_NEWCGROUP | NEWUTS | NEWIPC | NEWUSER | NEWPID | NEWNET */
#define CLONE_NS_FLAGS 0x7e020000ULL
/* and CLONE_NEWTIME, which only unshare and setns take (in clone's flags the
 * same bit is part of the exit signal) */
#define UNSHARE_NS_FLAGS (CLONE_NS_FLAGS | 0x80ULL)
#define SOCK_TYPE_MASK 0xfULL
/* PROT_WRITE | PROT_EXEC: whether memory is mapped writable, executable or
 * both (what W^X policies decide); PROT_READ and the rest vary for no
 * security reason. */
#define PROT_WX 0x6ULL
/* Distinct values kept per recording: per rule, and in all. Past either,
 * the rule is dropped (its syscall allowed whatever its arguments) rather
 * than the profile made wrong. The map has room for every recording's
 * share; an insert that races past the counts on another CPU and finds it
 * full drops its rule the same way. */
#define ARG_VALUES_PER_RULE 32
#define ARG_VALUES_PER_RECORDING 64
#define MAX_ARG_VALUES (MAX_RECORDINGS * ARG_VALUES_PER_RECORDING)

/* A value kept for one recording (slot and generation): an ended
 * recording's values are never a later one's in the same slot, and can be
 * removed without the node lock. */
struct arg_key {
	__u32 slot;
	__u32 generation;
	__u32 rule; /* enum arg_syscall, below ARG_RULE_COUNT */
	__u32 pad;
	__u64 value;
};

/* A recording's slot. User space owns every field but `started`, `execed`,
 * `members`, `gated`, `untracked` and the argument counts, which the program
 * updates. */
struct slot {
	__u32 in_use;
	__u32 started;   /* set at the runtime's first prctl in the namespace */
	__u32 execed;    /* set at the first exec after that: the container's process runs */
	__u32 pidns;
	__u32 mntns;
	__u32 init_tgid;
	__u32 owner_pid; /* the tracing child */
	__u32 generation; /* unique to this recording: members of earlier ones are not its */
	__u32 members;   /* live processes tracked by descent (struct member), its init too */
	__u32 watch_denied; /* the container runs under a seccomp filter: note what it refuses */
	__u32 filter_depth; /* seccomp filters on the container's process at its exec: the runtime's is the top one */
	__u32 gated;     /* members not recorded yet (entrants before their prctl) */
	__u64 owner_start; /* its start time (clock ticks after boot) */
	__u64 untracked; /* descendants past MAX_MEMBERS_PER_RECORDING */
	__u32 arg_rules;    /* keep argument values (enum arg_syscall) */
	__u32 arg_overflow; /* bit per rule: values dropped, allow it whatever its arguments */
	__u32 arg_total;    /* distinct values kept, in all */
	__u32 arg_values[ARG_RULE_COUNT]; /* distinct values kept, per rule */
};

/* The task storage of a task tracked by descent (struct slot's members):
 * its recording's slot, valid while the slot holds the same generation (a
 * task outlives its recording; the slot may have been given to another). A
 * new task inherits its creator's. A process that entered the container from
 * outside (runc exec) is also gated (the gated map, by tgid): the runtime's
 * set-up of it (runc exec's Go start-up) is not the container's, so it is
 * recorded from its own first prctl on, as the init is, and so are its
 * children from then. */
struct member {
	__u32 slot;
	__u32 generation;
};

/* Per task of a recording that watches what its seccomp filter denies:
 * between its sys_enter and its sys_exit, `entered` is 1. */
struct watched_task {
	__u32 slot;
	__u32 entered;
};

/* A syscall refused while the task had seccomp filters of its own stacked
 * on the container's (QEMU's -sandbox, a service's SystemCallFilter), kept
 * apart: user space tells, from the errno, whose filter answered. */
#define STACKED_REFUSALS (MAX_RECORDINGS * 16)
struct refusal_key {
	__u32 slot;
	__u32 generation;
	__u32 abi;
	__u32 nr;
};
struct refusal {
	__u64 errnos; /* REFUSAL_ERRNO_BIT of each errno it was answered */
	__u64 killed; /* a filter killed the task at it */
};
/* The bit of struct refusal's errnos for errno `e`: e itself from 1 to 62,
 * bit 63 for any other answer (an errno of 0, a return of no errno). */
#define REFUSAL_ERRNO_BIT(e) ((e) > 0 && (e) < 63 ? 1ULL << (e) : 1ULL << 63)

/* One bit per (abi, nr): set the first time a syscall is seen. */
struct seen_bitmap {
	__u64 words[SEEN_WORDS];
};

#endif
