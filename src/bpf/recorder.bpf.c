// SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
/* Records which syscalls the tasks of containers make: one program for every
 * recording on the node, each recording a slot in its maps.
 *
 * A task is matched by the inode of its PID namespace or of one it is nested
 * in, then by its mount namespace or its descent from the container's init
 * (struct target_key says why both). Recording for a container starts at the
 * first prctl() made in it: the OCI runtime's mounts, pivot_root and
 * sethostname come before that, its capability and seccomp set-up (which the
 * profile must allow) after it.
 *
 * Each recording has a bitmap of (abi, nr) seen, set in the kernel: nothing
 * crosses to user space per syscall, and nothing can be dropped.
 *
 * A seccomp filter refuses a syscall before sys_enter, but sys_exit still
 * fires for it: a recorded task's sys_exit with no sys_enter before it is a
 * syscall its filter denied. That program is attached only while a
 * recording of a container under a filter runs; a task of the host pays the
 * same check there as at sys_enter (host_only), any other one a look at its
 * task storage. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include <asm-generic/errno-base.h> /* E2BIG, EEXIST: defines only, no types to clash with vmlinux.h */
#include "recorder_types.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/* Native syscall number of prctl, resolved by user space with libseccomp. */
const volatile __u32 prctl_nr = 0;
/* Whether this kernel runs x32 syscalls: where it does not, a number with
 * the x32 bit reaches sys_enter but is never dispatched (ENOSYS), and a
 * profile must not allow by name what never ran. Set by user space. */
const volatile __u32 x32_dispatched = 0;
/* Numbers of the syscalls of enum arg_syscall per ABI (x32's without the
 * x32 bit, as syscall_abi leaves them), resolved by user space with
 * libseccomp; ~0 where an ABI has no such syscall. */
const volatile __u32 arg_syscall_nr[ABI_COUNT][ARG_SYSCALL_COUNT] = {};

/* PID namespaces with at least one recording: the only lookup a task of
 * no recorded namespace pays. Value: how many recordings. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MAX_RECORDINGS);
	__type(key, __u32);
	__type(value, __u32);
} pidns SEC(".maps");

/* Each task's recorded PID namespace, as last looked up (struct
 * pidns_known): a task's own PID namespace never changes, so the lookup
 * is made again only when recordings come or go (settings.pidns_epoch). */
struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct pidns_known);
} pidns_known SEC(".maps");

/* One entry: what user space sets for all recordings (struct settings). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct settings);
} settings SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MAX_RECORDINGS);
	__type(key, struct target_key);
	__type(value, __u32); /* slot */
} targets SEC(".maps");

/* Tasks tracked by descent (struct member). */
struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct member);
} membership SEC(".maps");

/* New tasks tracked by descent that have not run yet: host tid -> their
 * struct member, moved into their task storage by their first event (a
 * raw_tp fork handler gets the child as a plain pointer, which task storage
 * does not take; the child's own events get it as the current task). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MAX_NEWBORN);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, __u32);
	__type(value, struct member);
} newborn SEC(".maps");

/* Entrants not recorded yet (struct member): host tgid -> their recording
 * (an entry of an ended one is stale, by its generation). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MAX_GATED);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, __u32);
	__type(value, struct member);
} gated SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, MAX_RECORDINGS);
	__type(key, __u32);
	__type(value, struct slot);
} slots SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, MAX_RECORDINGS);
	__type(key, __u32);
	__type(value, struct seen_bitmap);
} seen SEC(".maps");

/* Syscalls a recording's filter denied: (abi, nr) bits as in seen. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, MAX_RECORDINGS);
	__type(key, __u32);
	__type(value, struct seen_bitmap);
} denied SEC(".maps");

/* Syscalls at which a recording's filter killed a task (SIGSYS): no
 * sys_exit follows those. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, MAX_RECORDINGS);
	__type(key, __u32);
	__type(value, struct seen_bitmap);
} killed SEC(".maps");

/* Refusals under stacked filters (struct refusal_key): few, and only of
 * workloads that install filters of their own. One that finds this full is
 * counted in denied or killed instead, as the container's. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, STACKED_REFUSALS);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct refusal_key);
	__type(value, struct refusal);
} stacked SEC(".maps");

/* The argument values of recordings that keep them (struct arg_key); the
 * value is unused. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MAX_ARG_VALUES);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct arg_key);
	__type(value, __u8);
} arg_values SEC(".maps");

/* The tasks of recordings that watch denials. No entry: the task has not
 * entered a syscall since it was watched (a new child returning from fork, a
 * syscall begun before), or belongs to no such recording. */
struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct watched_task);
} in_syscall SEC(".maps");

#define SIGSYS_NR 31
#define SECCOMP_MODE_DEAD 3 /* a task a filter killed (Linux 5.17 on) */
#define PR_SET_NAME 15
#define TS_COMPAT 0x0002 /* x86 thread_info.status: in a 32-bit syscall */
#define TIF_32BIT 22     /* arm64 thread_info.flags: 32-bit task */
/* The kernel's MAX_PID_NS_LEVEL: PID namespaces nest at most this deep. */
#define MAX_PIDNS_LEVEL 32

/* The ABI a syscall entered through, or ABI_COUNT for one the kernel will
 * not dispatch. The x32 bit means x32 only on the 64-bit entry: through
 * int 0x80 it is part of an i386 number, too large to be one. `fast`: a
 * direct load (at every recorded syscall; a field, not a pointer, so the
 * verifier need not search the kernel's BTF), else a probe read. */
static __always_inline __u32 syscall_abi(struct task_struct *task, bool fast, long *nr)
{
#if defined(__TARGET_ARCH_x86)
	if ((fast ? task->thread_info.status : BPF_CORE_READ(task, thread_info.status)) & TS_COMPAT)
		return ABI_COMPAT;
	if (*nr & X32_SYSCALL_BIT) {
		if (!x32_dispatched)
			return ABI_COUNT;
		*nr &= ~X32_SYSCALL_BIT;
		return ABI_X32;
	}
#elif defined(__TARGET_ARCH_arm64)
	if ((fast ? task->thread_info.flags : BPF_CORE_READ(task, thread_info.flags)) & (1UL << TIF_32BIT))
		return ABI_COMPAT;
#endif
	return ABI_NATIVE;
}

/* Whether the host's PID namespace is recorded (--pid=host). Its tasks
 * (PID namespace level 0) are all the others only while it is: for them,
 * this is all the programs cost. */
static __always_inline bool host_recorded(void)
{
	__u32 zero = 0;
	struct settings *set = bpf_map_lookup_elem(&settings, &zero);
	return set && set->host_recordings;
}

/* Whether the task is of the host's PID namespace alone while no
 * --pid=host container is recorded: then it belongs to no recording, and
 * this is all it costs. `fast`: direct loads, for the programs every syscall
 * on the node passes; probe reads (BPF_CORE_READ) in the others, as the
 * verifier checks each direct pointer load with a search of the kernel's
 * BTF by name (about 1 ms of a first load each). */
static __always_inline bool host_only(struct task_struct *task, bool fast)
{
	unsigned int level = fast ? task->thread_pid->level : BPF_CORE_READ(task, thread_pid, level);
	return level == 0 && !host_recorded();
}

/* The PID namespace at `index` in a struct pid's numbers[] (at address
 * `numbers`), if recorded. */
static __always_inline __u32 recorded_at(__u64 numbers, __u32 index)
{
	struct upid upid;

	if (bpf_probe_read_kernel(&upid, sizeof(upid), (void *)(numbers + index * bpf_core_type_size(struct upid))))
		return 0;
	__u32 ns = BPF_CORE_READ(upid.ns, ns.inum);
	return bpf_map_lookup_elem(&pidns, &ns) ? ns : 0;
}

/* A walk through the PID namespaces between a task's own and the host's. */
struct pidns_walk {
	__u64 numbers;
	__u32 level;
	__u32 found;
};

static long check_outer_level(__u32 i, void *ctx)
{
	struct pidns_walk *walk = ctx;

	walk->found = recorded_at(walk->numbers, walk->level - 1 - i); /* i = 0: just outside the own */
	return walk->found ? 1 : 0;
}

/* The recorded PID namespace among the task's, from its own outwards: a
 * process that makes a PID namespace of its own inside a container is still
 * the container's. 0 if none. Its own level is looked at inline, the host's
 * through a flag, the levels between (nested containers) in a bpf_loop,
 * which the verifier checks once rather than once per level. */
static __always_inline __u32 recorded_pidns(struct task_struct *task)
{
	struct pid *pid = BPF_CORE_READ(task, thread_pid);
	unsigned int level = BPF_CORE_READ(pid, level);

	if (level > 0) {
		struct pidns_walk walk = {
			.numbers = (__u64)pid + bpf_core_field_offset(struct pid, numbers),
			.level = level,
		};
		__u32 own = recorded_at(walk.numbers, level);
		if (own)
			return own;
		if (level > 1 && level <= MAX_PIDNS_LEVEL) {
			bpf_loop(level - 1, check_outer_level, &walk, 0);
			if (walk.found)
				return walk.found;
		}
	}
	return host_recorded() ? HOST_PIDNS_INO : 0;
}

/* The current task's struct member, if it is tracked by descent: from its
 * task storage, or, at its first event, from newborn into it. */
static __always_inline bool current_member(struct task_struct *task, struct member *out)
{
	struct member *m = bpf_task_storage_get(&membership, task, 0, 0);
	if (m) {
		*out = *m;
		return true;
	}
	__u32 tid = BPF_CORE_READ(task, pid);
	m = bpf_map_lookup_elem(&newborn, &tid);
	if (!m)
		return false;
	*out = *m;
	bpf_task_storage_get(&membership, task, out, BPF_LOCAL_STORAGE_GET_F_CREATE);
	bpf_map_delete_elem(&newborn, &tid);
	return true;
}

/* The slot of the recording that tracks the current task by descent, or -1. */
static __always_inline int member_slot(struct task_struct *task)
{
	struct member m;
	if (!current_member(task, &m))
		return -1;
	__u32 idx = m.slot;
	struct slot *slot = bpf_map_lookup_elem(&slots, &idx);
	return slot && slot->in_use && slot->generation == m.generation ? (int)idx : -1;
}

/* The slot of the recording whose container's namespaces the task is in
 * (its recorded PID namespace `pidns`, and its mount namespace), or -1. */
static __always_inline int target_slot(struct task_struct *task, __u32 pidns)
{
	struct target_key key = {.pidns = pidns, .mntns = BPF_CORE_READ(task, nsproxy, mnt_ns, ns.inum)};
	__u32 *slot = bpf_map_lookup_elem(&targets, &key);
	return slot ? (int)*slot : -1;
}

/* recorded_pidns of the current task, from its task storage unless
 * recordings came or went since it was kept there: after its first
 * syscall, that one lookup is all a task of an unrecorded container pays. */
static __always_inline __u32 current_pidns(struct task_struct *task)
{
	__u32 zero = 0;
	struct settings *set = bpf_map_lookup_elem(&settings, &zero);
	if (!set)
		return 0;
	struct pidns_known *known = bpf_task_storage_get(&pidns_known, task, 0, 0);
	if (known && known->epoch == set->pidns_epoch)
		return known->pidns;
	/* A full barrier: the epoch kept must not be newer than the maps read
	 * below (user space bumps it after changing them). */
	struct pidns_known now = {.epoch = __sync_fetch_and_add(&set->pidns_epoch, 0)};
	now.pidns = recorded_pidns(task);
	if (known)
		*known = now;
	else
		bpf_task_storage_get(&pidns_known, task, &now, BPF_LOCAL_STORAGE_GET_F_CREATE);
	return now.pidns;
}

/* The slot of the recording `task` belongs to, given its recorded PID
 * namespace, or -1. Nearly every task of a recorded container is tracked by
 * descent (the init, and whatever it and its children start): its task
 * storage answers first. The others (the runtime's threads in it at the
 * start, processes past the limit, tasks of containers sharing its PID
 * namespace) are matched by mount namespace. */
static __always_inline int slot_of(struct task_struct *task, __u32 pidns)
{
	if (!pidns)
		return -1;
	int member = member_slot(task);
	if (member >= 0)
		return member;
	return target_slot(task, pidns);
}

/* The slot of the recording the current task belongs to, or -1: global
 * functions, which the verifier checks once per program, not per call.
 * Only sys_enter, which every syscall of every task outside the host's
 * alone runs, keeps the PID namespace in task storage; the rare events
 * look it up afresh and spare each of their programs the cache's
 * verification (about 1 ms of a first load). */
__noinline int find_current_slot_kept(void)
{
	struct task_struct *task = bpf_get_current_task_btf();
	return slot_of(task, current_pidns(task));
}

__noinline int find_current_slot(void)
{
	struct task_struct *task = bpf_get_current_task_btf();
	return slot_of(task, recorded_pidns(task));
}

/* The number of the syscall a task is in, from its saved registers. */
static __always_inline long regs_syscall_nr(struct pt_regs *regs)
{
#if defined(__TARGET_ARCH_x86)
	return BPF_CORE_READ(regs, orig_ax);
#elif defined(__TARGET_ARCH_arm64)
	return BPF_CORE_READ(regs, syscallno);
#else
	return -1;
#endif
}

/* Argument 0, 1 or 2 of the syscall a task is entering, by its ABI's
 * convention. */
static __always_inline __u64 regs_syscall_arg(struct pt_regs *regs, __u32 abi, int i)
{
#if defined(__TARGET_ARCH_x86)
	if (abi == ABI_COMPAT)
		return i == 0 ? BPF_CORE_READ(regs, bx) : i == 1 ? BPF_CORE_READ(regs, cx) : BPF_CORE_READ(regs, dx);
	return i == 0 ? BPF_CORE_READ(regs, di) : i == 1 ? BPF_CORE_READ(regs, si) : BPF_CORE_READ(regs, dx);
#elif defined(__TARGET_ARCH_arm64)
	return BPF_CORE_READ(regs, regs[i]);
#else
	return 0;
#endif
}

/* Sets the (abi, nr) bit of a recording's bitmap in `map` (seen or denied). */
static __always_inline void set_bit(void *map, __u32 slot_idx, __u32 abi, long nr)
{
	struct seen_bitmap *bits = bpf_map_lookup_elem(map, &slot_idx);
	if (!bits)
		return;
	__u32 bit = SEEN_BIT(abi, (__u32)nr);
	__u32 word = bit / 64;
	if (word >= SEEN_WORDS)
		return;
	__u64 mask = 1ULL << (bit & 63);
	/* Plain read first: the common case (already seen) stays a load. */
	if (!(bits->words[word] & mask))
		__sync_fetch_and_or(&bits->words[word], mask);
}

/* Notes a refusal of (abi, nr) in `stacked` when the task has seccomp
 * filters above the container's (more than its process had at the
 * runtime's exec);
 * false if it has none, or the map is full, for the caller to count it as
 * the container's. Rare: a refusal, by a workload with its own filter. */
static __always_inline bool note_stacked(struct task_struct *task, struct slot *slot, __u32 slot_idx, __u32 abi,
					 long nr, __u64 errno_bit, bool killed)
{
	if (!slot->execed || (__u32)BPF_CORE_READ(task, seccomp.filter_count.counter) <= slot->filter_depth)
		return false;
	struct refusal_key key = {.slot = slot_idx, .generation = slot->generation, .abi = abi, .nr = (__u32)nr};
	struct refusal none = {};
	struct refusal *r = bpf_map_lookup_elem(&stacked, &key);
	if (!r) {
		bpf_map_update_elem(&stacked, &key, &none, BPF_NOEXIST); /* or another CPU did */
		r = bpf_map_lookup_elem(&stacked, &key);
		if (!r)
			return false;
	}
	if (killed)
		r->killed = 1;
	else
		__sync_fetch_and_or(&r->errnos, errno_bit);
	return true;
}

/* Which syscall of enum arg_syscall (abi, nr) is, or ARG_SYSCALL_COUNT. */
static __always_inline __u32 arg_syscall(__u32 abi, long nr)
{
	if (abi >= ABI_COUNT)
		return ARG_SYSCALL_COUNT;
	for (__u32 i = 0; i < ARG_SYSCALL_COUNT; i++)
		if (arg_syscall_nr[abi][i] == nr)
			return i;
	return ARG_SYSCALL_COUNT;
}

/* The value a rule keeps of a call's arguments; false if it cannot be read. */
static __always_inline bool arg_value(struct pt_regs *regs, __u32 abi, __u32 which, __u64 *value)
{
	__u64 a0 = regs_syscall_arg(regs, abi, 0);

	switch (which) {
	case ARG_SOCKET:
		*value = (a0 & 0xffffffffULL) << 8 | (regs_syscall_arg(regs, abi, 1) & SOCK_TYPE_MASK);
		return true;
	case ARG_CLONE:
		*value = a0 & CLONE_NS_FLAGS;
		return true;
	case ARG_CLONE3: { /* struct clone_args starts with its u64 flags */
		__u64 flags;
		if (bpf_probe_read_user(&flags, sizeof(flags), (void *)a0))
			return false;
		*value = flags & CLONE_NS_FLAGS;
		return true;
	}
	case ARG_UNSHARE:
		*value = a0 & UNSHARE_NS_FLAGS;
		return true;
	case ARG_SETNS:
		*value = regs_syscall_arg(regs, abi, 1) & UNSHARE_NS_FLAGS;
		return true;
	case ARG_IOCTL: /* an unsigned int */
		*value = regs_syscall_arg(regs, abi, 1) & 0xffffffffULL;
		return true;
	case ARG_MMAP:
		/* i386's mmap takes its arguments behind a pointer (mmap2 is
		 * the one libc uses) */
		if (abi == ABI_COMPAT)
			return false;
		/* fall through */
	case ARG_MPROTECT:
	case ARG_PKEY_MPROTECT:
		*value = regs_syscall_arg(regs, abi, 2) & PROT_WX;
		return true;
	default: /* personality, prctl: an int */
		*value = a0 & 0xffffffffULL;
		return true;
	}
}

/* Keeps the argument value of a call of enum arg_syscall `which`: a lookup
 * when the value is known already, an insert the first time. A rule that
 * runs out of room, or whose value cannot be read, is dropped: its syscall
 * is then allowed whatever its arguments, never refused wrongly. */
static __always_inline void keep_arg(struct slot *slot, __u32 slot_idx, struct pt_regs *regs, __u32 abi, __u32 which)
{
	__u32 rule = which == ARG_CLONE3 ? ARG_CLONE : which;
	__u32 bit = 1U << rule;
	struct arg_key key = {.slot = slot_idx, .generation = slot->generation, .rule = rule};

	if (rule >= ARG_RULE_COUNT || (slot->arg_overflow & bit))
		return;
	if (!arg_value(regs, abi, which, &key.value)) {
		__sync_fetch_and_or(&slot->arg_overflow, bit);
		return;
	}
	if (bpf_map_lookup_elem(&arg_values, &key))
		return;
	__u8 one = 1;
	long err = slot->arg_values[rule] >= ARG_VALUES_PER_RULE || slot->arg_total >= ARG_VALUES_PER_RECORDING
			   ? -E2BIG
			   : bpf_map_update_elem(&arg_values, &key, &one, BPF_NOEXIST);
	if (err == -EEXIST) /* another CPU kept it first */
		return;
	if (err) {
		__sync_fetch_and_or(&slot->arg_overflow, bit);
		return;
	}
	__sync_fetch_and_add(&slot->arg_values[rule], 1);
	__sync_fetch_and_add(&slot->arg_total, 1);
}

/* Whether process `tgid` is an entrant of `slot`'s recording not recorded
 * yet. */
static __always_inline bool is_gated(struct slot *slot, __u32 tgid)
{
	struct member *m = bpf_map_lookup_elem(&gated, &tgid);
	return m && m->generation == slot->generation;
}

/* The recording the current task belongs to, if any: its slot and number.
 * A task of the host's alone is told apart before the call. `fast`: at
 * sys_enter (see host_only and find_current_slot_kept). */
static __always_inline struct slot *current_slot(struct task_struct *task, bool fast, __u32 *slot_idx)
{
	if (host_only(task, fast))
		return NULL;
	int found = fast ? find_current_slot_kept() : find_current_slot();

	if (found < 0)
		return NULL;
	*slot_idx = found;
	struct slot *slot = bpf_map_lookup_elem(&slots, slot_idx);
	return slot && slot->in_use ? slot : NULL;
}

SEC("raw_tp/sys_enter")
int BPF_PROG(on_sys_enter, struct pt_regs *regs, long id)
{
	struct task_struct *task = bpf_get_current_task_btf();
	__u32 slot_idx;
	struct slot *slot = current_slot(task, true, &slot_idx);

	if (!slot)
		return 0;

	long nr = id;
	__u32 abi = syscall_abi(task, true, &nr);
	if (!slot->started) {
		if (abi != ABI_NATIVE || nr != prctl_nr)
			return 0;
		slot->started = 1;
	}
	if (slot->gated) { /* only while an entrant is being set up */
		__u32 tgid = BPF_CORE_READ(task, tgid);
		/* Not PR_SET_NAME: runc's C stage names each process before its Go
		 * start-up, which is the runtime's, not the container's. */
		if (is_gated(slot, tgid)) {
			if (abi != ABI_NATIVE || nr != prctl_nr || regs_syscall_arg(regs, abi, 0) == PR_SET_NAME)
				return 0;
			if (bpf_map_delete_elem(&gated, &tgid) == 0)
				__sync_fetch_and_add(&slot->gated, -1);
		}
	}
	if (slot->watch_denied) {
		struct watched_task *w = bpf_task_storage_get(&in_syscall, task, 0, BPF_LOCAL_STORAGE_GET_F_CREATE);
		if (w) {
			w->slot = slot_idx;
			w->entered = 1;
		}
	}
	if (abi >= ABI_COUNT || nr < 0 || nr >= MAX_SYSCALL_NR)
		return 0;
	set_bit(&seen, slot_idx, abi, nr);
	if (slot->arg_rules) {
		__u32 which = arg_syscall(abi, nr);
		if (which < ARG_SYSCALL_COUNT)
			keep_arg(slot, slot_idx, regs, abi, which);
	}
	return 0;
}

SEC("raw_tp/sys_exit")
int BPF_PROG(on_sys_exit, struct pt_regs *regs, long ret)
{
	struct task_struct *task = bpf_get_current_task_btf();

	if (host_only(task, true))
		return 0;
	struct watched_task *w = bpf_task_storage_get(&in_syscall, task, 0, 0);

	if (!w)
		return 0;
	if (w->entered) {
		w->entered = 0;
		return 0;
	}
	/* Rare (a denial), so the full check: a task whose recording ended,
	 * its slot since given to another, must not count there. */
	__u32 slot_idx = w->slot;
	if (find_current_slot() != (int)slot_idx) {
		bpf_task_storage_delete(&in_syscall, task);
		return 0;
	}
	struct slot *slot = bpf_map_lookup_elem(&slots, &slot_idx);
	if (!slot || !slot->in_use || !slot->started || !slot->watch_denied)
		return 0;
	long nr = regs_syscall_nr(regs);
	__u32 abi = syscall_abi(task, false, &nr);
	if (abi >= ABI_COUNT || nr < 0 || nr >= MAX_SYSCALL_NR)
		return 0;
	/* The errno the winning filter answered: of filters that answer alike,
	 * the last installed wins, so a stacked filter's errno tells it. */
	__u64 errno_bit = REFUSAL_ERRNO_BIT(ret < 0 ? -ret : 0);
	if (!note_stacked(task, slot, slot_idx, abi, nr, errno_bit, false))
		set_bit(&denied, slot_idx, abi, nr);
	return 0;
}

SEC("raw_tp/sched_process_fork")
int BPF_PROG(on_process_fork, struct task_struct *parent_arg, struct task_struct *child)
{
	struct task_struct *parent = bpf_get_current_task_btf(); /* the same task, trusted */
	__u32 ptgid = BPF_CORE_READ(parent, tgid);
	__u32 ctgid = BPF_CORE_READ(child, tgid);
	__u32 ctid = BPF_CORE_READ(child, pid);
	struct member m;
	bool host = host_only(parent, false);

	if (ptgid == ctgid) { /* a new thread: of its creator's recording */
		if (!host && current_member(parent, &m) &&
		    bpf_map_update_elem(&newborn, &ctid, &m, BPF_ANY)) {
			struct slot *slot = bpf_map_lookup_elem(&slots, &m.slot);
			if (slot)
				__sync_fetch_and_add(&slot->untracked, 1);
		}
		return 0;
	}
	__u32 slot_idx;
	bool entrant = false;
	int found = host ? -1 : find_current_slot(); /* the parent's */
	if (found >= 0) {
		slot_idx = found;
	} else {
		/* A process made inside a recorded container by one that joined
		 * it from outside (runc exec: setns, then fork): tracked like the
		 * init's descendants, so that it stays recorded when it leaves the
		 * container's mount namespace, and gated (struct member). */
		__u32 pidns = recorded_pidns(child);
		found = pidns ? target_slot(child, pidns) : -1;
		if (found < 0)
			return 0;
		slot_idx = found;
		entrant = true;
	}
	struct slot *slot = bpf_map_lookup_elem(&slots, &slot_idx);
	if (!slot || !slot->in_use)
		return 0;
	if (slot->members >= MAX_MEMBERS_PER_RECORDING) {
		__sync_fetch_and_add(&slot->untracked, 1);
		return 0;
	}
	m.slot = slot_idx;
	m.generation = slot->generation;
	if (bpf_map_update_elem(&newborn, &ctid, &m, BPF_ANY)) {
		__sync_fetch_and_add(&slot->untracked, 1);
		return 0;
	}
	__sync_fetch_and_add(&slot->members, 1);
	/* The children of a process still being set up are gated too. */
	if ((entrant || (slot->gated && is_gated(slot, ptgid))) &&
	    bpf_map_update_elem(&gated, &ctgid, &m, BPF_ANY) == 0)
		__sync_fetch_and_add(&slot->gated, 1);
	return 0;
}

/* The first exec that succeeds in a recording after its start is the
 * runtime's exec of the container's process. A recording without one is of
 * a container its runtime failed to start (a missing command, an rlimit it
 * could not set): runtime set-up only, no profile to write. */
SEC("raw_tp/sched_process_exec")
int BPF_PROG(on_process_exec)
{
	struct task_struct *task = bpf_get_current_task_btf();
	__u32 slot_idx;
	struct slot *slot = current_slot(task, false, &slot_idx);

	if (slot && slot->started && !slot->execed) {
		/* The runtime installed the container's filter before this exec:
		 * any filter above this depth is the workload's own. */
		slot->filter_depth = BPF_CORE_READ(task, seccomp.filter_count.counter);
		slot->execed = 1;
	}
	return 0;
}

/* The end of a thread group tracked by descent leaves its recording's count
 * (its task storage goes with the task; the init's end is noticed by its
 * recording through a pidfd). */
SEC("raw_tp/sched_process_exit")
int BPF_PROG(on_process_exit)
{
	struct task_struct *task = bpf_get_current_task_btf();
	__u32 tgid = BPF_CORE_READ(task, tgid);

	/* Killed by a filter's kill action: the syscall it died at is still in
	 * its registers. Only the thread the filter hit is marked dead by
	 * seccomp; its siblings, killed with it, and a process sent SIGSYS by
	 * another exit with SIGSYS too, at syscalls no filter refused (a trap
	 * the process does not handle is a denial, noted at sys_exit). Rare,
	 * so looked up in full. */
	if ((BPF_CORE_READ(task, exit_code) & 0x7f) == SIGSYS_NR &&
	    BPF_CORE_READ(task, seccomp.mode) == SECCOMP_MODE_DEAD) {
		__u32 slot_idx;
		struct slot *slot = current_slot(task, false, &slot_idx);
		struct pt_regs *regs = (struct pt_regs *)bpf_task_pt_regs(task);
		if (slot && slot->started && slot->watch_denied && regs) {
			long nr = regs_syscall_nr(regs);
			__u32 abi = syscall_abi(task, false, &nr);
			if (abi < ABI_COUNT && nr >= 0 && nr < MAX_SYSCALL_NR &&
			    !note_stacked(task, slot, slot_idx, abi, nr, 0, true))
				set_bit(&killed, slot_idx, abi, nr);
		}
	}
	if (BPF_CORE_READ(task, signal, live.counter) != 0) {
		/* Not the last thread. One that never ran leaves newborn here. */
		__u32 tid = BPF_CORE_READ(task, pid);
		bpf_map_delete_elem(&newborn, &tid);
		return 0;
	}
	int found = member_slot(task);
	if (found < 0)
		return 0;
	__u32 slot_idx = found;
	struct slot *slot = bpf_map_lookup_elem(&slots, &slot_idx);
	if (!slot)
		return 0;
	if (slot->members > 0)
		__sync_fetch_and_add(&slot->members, -1);
	if (is_gated(slot, tgid) && bpf_map_delete_elem(&gated, &tgid) == 0 && slot->gated > 0)
		__sync_fetch_and_add(&slot->gated, -1);
	return 0;
}
