// SPDX-License-Identifier: Apache-2.0
/* Records which syscalls the tasks of a container make.
 *
 * Tasks are matched by the inode of their PID namespace or of one it is
 * nested in, and then by their mount namespace or their descent from the
 * container's init (struct target says why both). Recording
 * for a namespace starts at the first prctl() made in it: the OCI runtime's
 * mounts, pivot_root and sethostname come before that, its capability and
 * seccomp set-up (which the profile must allow) after it.
 *
 * Each (abi, nr) crosses to user space once: a bitmap per recording dedupes
 * in the kernel, so a container making millions of syscalls wakes the
 * recorder a few hundred times at most. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "recorder_types.h"

char LICENSE[] SEC("license") = "GPL";

/* Native syscall number of prctl, resolved by user space with libseccomp. */
const volatile __u32 prctl_nr = 0;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MAX_RECORDINGS);
	__type(key, __u32); /* PID namespace inode */
	__type(value, struct target);
} targets SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MAX_MEMBERS);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, __u32); /* host tgid */
	__type(value, struct member);
} members SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, MAX_RECORDINGS);
	__type(key, __u32);
	__type(value, struct seen_bitmap);
} seen SEC(".maps");

/* Sized by user space: see EVENTS_PER_SLOT. */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} events SEC(".maps");

/* Records that could not be reserved. Zero unless the sizing above is wrong;
 * user space checks it and says so rather than write a short profile. */
__u64 lost = 0;
/* Descendants that did not fit in the members map: still recorded while they
 * stay in the container's mount namespace. */
__u64 untracked = 0;

#define X32_SYSCALL_BIT 0x40000000
#define TS_COMPAT 0x0002 /* x86 thread_info.status: in a 32-bit syscall */
#define TIF_32BIT 22     /* arm64 thread_info.flags: 32-bit task */

static __always_inline __u32 syscall_abi(struct task_struct *task, long *nr)
{
#if defined(__TARGET_ARCH_x86)
	if (*nr & X32_SYSCALL_BIT) {
		*nr &= ~X32_SYSCALL_BIT;
		return ABI_X32;
	}
	if (BPF_CORE_READ(task, thread_info.status) & TS_COMPAT)
		return ABI_COMPAT;
#elif defined(__TARGET_ARCH_arm64)
	if (BPF_CORE_READ(task, thread_info.flags) & (1UL << TIF_32BIT))
		return ABI_COMPAT;
#endif
	return ABI_NATIVE;
}

/* The kernel's MAX_PID_NS_LEVEL: PID namespaces nest at most this deep. */
#define MAX_PIDNS_LEVEL 32

/* The recording a task belongs to: the first of its PID namespaces, from its
 * own outwards, that is being recorded. A process that makes a PID namespace
 * of its own inside a container is still the container's. */
static __always_inline struct target *find_target(struct task_struct *task)
{
	struct pid *pid = BPF_CORE_READ(task, thread_pid);
	unsigned int level = BPF_CORE_READ(pid, level);

	for (int i = 0; i < MAX_PIDNS_LEVEL; i++) {
		struct upid upid;
		__u32 ns;

		if (i > level)
			break;
		if (bpf_core_read(&upid, sizeof(upid), &pid->numbers[level - i]))
			break;
		ns = BPF_CORE_READ(upid.ns, ns.inum);
		struct target *t = bpf_map_lookup_elem(&targets, &ns);
		if (t)
			return t;
	}
	return 0;
}

static __always_inline bool belongs(struct task_struct *task, struct target *t)
{
	if (BPF_CORE_READ(task, nsproxy, mnt_ns, ns.inum) == t->mntns)
		return true;
	__u32 tgid = BPF_CORE_READ(task, tgid);
	struct member *m = bpf_map_lookup_elem(&members, &tgid);
	return m && m->slot == t->slot;
}

static __always_inline void emit(__u32 kind, __u32 slot, __u32 abi, __u32 nr)
{
	struct event *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);

	if (!e) {
		__sync_fetch_and_add(&lost, 1);
		return;
	}
	e->kind = kind;
	e->slot = slot;
	e->abi = abi;
	e->nr = nr;
	bpf_ringbuf_submit(e, 0);
}

SEC("tp_btf/sys_enter")
int BPF_PROG(on_sys_enter, struct pt_regs *regs, long id)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct target *t = find_target(task);

	if (!t || !belongs(task, t))
		return 0;

	long nr = id;
	__u32 abi = syscall_abi(task, &nr);

	if (!t->started) {
		if (abi != ABI_NATIVE || nr != prctl_nr)
			return 0;
		t->started = 1;
	}
	if (nr < 0 || nr >= MAX_SYSCALL_NR)
		return 0;

	__u32 slot = t->slot;
	struct seen_bitmap *bits = bpf_map_lookup_elem(&seen, &slot);
	if (!bits)
		return 0;

	__u32 bit = abi * MAX_SYSCALL_NR + (__u32)nr;
	__u64 mask = 1ULL << (bit & 63);
	__u32 word = bit / 64;
	if (word >= SEEN_WORDS)
		return 0;
	/* Plain read first: the common case (already seen) stays a load. */
	if (bits->words[word] & mask)
		return 0;
	if (__sync_fetch_and_or(&bits->words[word], mask) & mask)
		return 0; /* another CPU got there first */
	emit(EVENT_SYSCALL, slot, abi, (__u32)nr);
	return 0;
}

SEC("tp_btf/sched_process_fork")
int BPF_PROG(on_process_fork, struct task_struct *parent, struct task_struct *child)
{
	__u32 ptgid = BPF_CORE_READ(parent, tgid);
	__u32 ctgid = BPF_CORE_READ(child, tgid);
	struct member *m;

	if (ptgid == ctgid) /* a new thread: its process is tracked already */
		return 0;
	m = bpf_map_lookup_elem(&members, &ptgid);
	if (!m)
		return 0;
	struct member child_member = {.slot = m->slot, .is_init = 0};
	if (bpf_map_update_elem(&members, &ctgid, &child_member, BPF_ANY))
		__sync_fetch_and_add(&untracked, 1);
	return 0;
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(on_process_exit, struct task_struct *task)
{
	__u32 tgid = BPF_CORE_READ(task, tgid);
	struct member *m = bpf_map_lookup_elem(&members, &tgid);

	if (!m)
		return 0;
	/* Only the last thread of a thread group ends it. */
	if (BPF_CORE_READ(task, signal, live.counter) != 0)
		return 0;
	if (m->is_init)
		emit(EVENT_EXIT, m->slot, 0, 0);
	bpf_map_delete_elem(&members, &tgid);
	return 0;
}
