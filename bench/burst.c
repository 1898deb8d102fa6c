// SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
/* burst: right after start, makes every syscall number it safely can, once,
 * with all-zero arguments (most fail with EFAULT, EINVAL or EBADF, which is
 * fine: a failed syscall is still a syscall the profile must allow). Only
 * numbers libseccomp names are made: the unassigned ones can fault (SIGILL
 * seen on some VMs) and no profile could name them. Prints each number it
 * made, one per line, for comparison with the profile. */
#define _GNU_SOURCE
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Numbers whose zero-argument call would end, block, fork or confine the
 * process, or change something outside it. */
static int skipped(long nr)
{
	switch (nr) {
	case SYS_exit: case SYS_exit_group: case SYS_pause: case SYS_rt_sigreturn:
	case SYS_rt_sigsuspend: case SYS_select: case SYS_pselect6: case SYS_ppoll:
	case SYS_poll: case SYS_fork: case SYS_vfork: case SYS_clone: case SYS_clone3:
	case SYS_execve: case SYS_execveat: case SYS_seccomp: case SYS_ptrace:
	case SYS_vhangup: case SYS_reboot: case SYS_restart_syscall: case SYS_fchmod:
	case SYS_fchown: case SYS_munmap: case SYS_mremap: case SYS_brk:
	case SYS_set_tid_address: case SYS_rseq: case SYS_close: case SYS_close_range:
	case SYS_dup2: case SYS_dup3: case SYS_kill: case SYS_tkill: case SYS_tgkill:
	case SYS_setsid: case SYS_setpgid: case SYS_personality: case SYS_mlockall:
	case SYS_sched_yield: case SYS_wait4: case SYS_waitid:
	case SYS_futex: case SYS_futex_waitv: case SYS_epoll_wait: case SYS_epoll_pwait:
	case SYS_epoll_pwait2: case SYS_rt_sigtimedwait: case SYS_io_getevents:
	case SYS_io_pgetevents: case SYS_msgrcv: case SYS_semop: case SYS_semtimedop:
	case SYS_recvfrom: case SYS_recvmsg: case SYS_recvmmsg: case SYS_accept:
	case SYS_accept4: case SYS_read: case SYS_readv: case SYS_pread64: case SYS_preadv:
	case SYS_preadv2: case SYS_nanosleep: case SYS_clock_nanosleep: case SYS_alarm:
	case SYS_setitimer: case SYS_acct: case SYS_swapoff: case SYS_sync:
	case SYS_iopl: case SYS_ioperm: case SYS_unshare: case SYS_setns:
	case SYS_userfaultfd: case SYS_migrate_pages: case SYS_mbind:
	case SYS_set_mempolicy: case SYS_sethostname: case SYS_setdomainname:
	case SYS_arch_prctl: case SYS_prctl: case SYS_modify_ldt: case SYS_landlock_restrict_self:
		return 1;
	default:
		return 0;
	}
}

int main(void)
{
	long made[512];
	int n = 0;
	for (long nr = 0; nr < 512; nr++) {
		char *name = seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE, (int)nr);
		free(name);
		if (!name || skipped(nr))
			continue;
		syscall(nr, 0, 0, 0, 0, 0, 0);
		made[n++] = nr;
	}
	for (int i = 0; i < n; i++)
		printf("%ld\n", made[i]);
	return 0;
}
