// SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
/* A container workload with a fingerprint: each of its parts makes a syscall
 * that nothing else in the container (busybox, the runtime) makes, so a
 * profile shows exactly which parts were recorded.
 *
 *   probe record   main thread: getitimer; a second thread:
 *                  sched_get_priority_max; a forked child: ioprio_get
 *   probe extra    all of the above, then sched_get_priority_min
 *   probe call NAME   one of the harmless syscalls in `calls` below
 *   probe sibling NAME   a second thread waits in pause while the main
 *                  thread makes call NAME (a sibling of a thread a filter
 *                  kills)
 *   probe ownfilter   installs a seccomp filter of its own on top of the
 *                  container's, as QEMU's -sandbox does: sysinfo and
 *                  syslog answered ENOSYS, kcmp killing the process; then
 *                  sysinfo, acct and syslog, and kcmp in a forked child
 *   probe swarm    200 threads (sched_getscheduler; the last one times)
 *                  and 1000 forked children (getsid; the last one alarm)
 *   probe hold N FILE   N children that wait, alive at once; once FILE
 *                  exists, all of them end and so does the probe
 *   probe int80 [NAME]   a syscall through the 32-bit entry: sgetmask
 *                  (i386 68, msgget on x86_64), getpgrp (i386 65, semop
 *                  on x86_64), or bit30: 99 with the x32 bit set, which
 *                  no i386 syscall is (99 is sysinfo on x86_64 and x32)
 *   probe x32      getpgid with the x32 bit set (121 on x86_64 and x32):
 *                  ENOSYS on kernels that run no x32 code
 *   probe args     calls that argument rules restrict, with the values a
 *                  plain program uses: AF_INET stream and AF_UNIX datagram
 *                  sockets, personality query, unshare(CLONE_FILES),
 *                  prctl(PR_GET_DUMPABLE), ioctl(FIONBIO) on a socket,
 *                  a thread and a forked child
 *   probe argcall NAME   one of those calls with another value: netlink
 *                  (AF_NETLINK socket), raw (AF_INET SOCK_RAW), linux32
 *                  (personality PER_LINUX32), newuts (clone CLONE_NEWUTS),
 *                  unshare-uts (unshare CLONE_NEWUTS), timerslack
 *                  (prctl PR_GET_TIMERSLACK), fionread (ioctl FIONREAD on a
 *                  socket), wx (mmap writable and executable), mprotect-x
 *                  (mprotect of a writable page to executable)
 *
 * Output is the same on every run, so a run under the recorded profile can be
 * compared with the recorded one. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <semaphore.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <sys/personality.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

static void report(const char *who, const char *call, long rc)
{
	printf("%s: %s %s\n", who, call, rc < 0 ? strerror(errno) : "ok");
	fflush(stdout);
}

static void *thread_main(void *arg)
{
	(void)arg;
	report("thread", "sched_get_priority_max", syscall(SYS_sched_get_priority_max, SCHED_FIFO));
	return NULL;
}

/* Syscalls no runtime or libc start-up makes, all harmless with zero
 * arguments (most just fail with EFAULT or EINVAL). */
static const struct {
	const char *name;
	long nr;
} calls[] = {
	{"getitimer", SYS_getitimer},
	{"sched_get_priority_max", SYS_sched_get_priority_max},
	{"sched_get_priority_min", SYS_sched_get_priority_min},
	{"ioprio_get", SYS_ioprio_get},
	{"sysinfo", SYS_sysinfo},
	{"times", SYS_times},
	{"getrusage", SYS_getrusage},
	{"getpgid", SYS_getpgid},
	{"getsid", SYS_getsid},
	{"sched_getscheduler", SYS_sched_getscheduler},
	{"sched_getparam", SYS_sched_getparam},
	{"sched_rr_get_interval", SYS_sched_rr_get_interval},
	{"getcpu", SYS_getcpu},
	{"membarrier", SYS_membarrier},
	{"getgroups", SYS_getgroups},
	{"alarm", SYS_alarm},
	/* Ones seccomp profiles decide: mkdir(NULL) fails with EFAULT and
	 * sysfs(0, NULL) with EINVAL where allowed, acct(NULL) with EPERM without
	 * CAP_SYS_PACCT (and turns accounting off, which it is, with it). */
#ifdef SYS_mkdir /* not on the newer ABIs, arm64 among them */
	{"mkdir", SYS_mkdir},
#endif
#ifdef SYS_sysfs
	{"sysfs", SYS_sysfs},
#endif
	{"acct", SYS_acct},
#ifdef SYS_tuxcall /* never implemented (ENOSYS): named by no common profile */
	{"tuxcall", SYS_tuxcall},
#endif
};

static int call(const char *name)
{
	for (size_t i = 0; i < sizeof(calls) / sizeof(calls[0]); i++)
		if (!strcmp(calls[i].name, name)) {
			report("main", name, syscall(calls[i].nr, 0, 0, 0));
			return 0;
		}
	fprintf(stderr, "probe: no call %s\n", name);
	return 2;
}

static void *pause_thread(void *started)
{
	sem_post(started);
	for (;;)
		pause();
	return NULL;
}

static int sibling(const char *name)
{
	sem_t started;
	pthread_t t;
	if (sem_init(&started, 0, 0) || pthread_create(&t, NULL, pause_thread, &started))
		return 1;
	sem_wait(&started);
	usleep(100000); /* into its pause */
	return call(name);
}

#define SWARM_THREADS 200
#define SWARM_FORKS 1000

static void *swarm_thread(void *last)
{
	syscall(last ? SYS_times : SYS_sched_getscheduler, 0, 0, 0);
	return NULL;
}

static int swarm(void)
{
	pthread_t threads[SWARM_THREADS];
	for (int i = 0; i < SWARM_THREADS; i++)
		if (pthread_create(&threads[i], NULL, swarm_thread, i == SWARM_THREADS - 1 ? &threads[i] : NULL))
			return 1;
	for (int i = 0; i < SWARM_THREADS; i++)
		pthread_join(threads[i], NULL);
	for (int i = 0; i < SWARM_FORKS; i++) {
		pid_t child = fork();
		if (child < 0)
			return 1;
		if (child == 0) {
			syscall(i == SWARM_FORKS - 1 ? SYS_alarm : SYS_getsid, 0, 0, 0);
			_exit(0);
		}
		if (waitpid(child, NULL, 0) != child)
			return 1;
	}
	printf("swarm: %d threads, %d children\n", SWARM_THREADS, SWARM_FORKS);
	return 0;
}

static int x32(void)
{
#if defined(__x86_64__)
	report("x32", "getpgid", syscall(0x40000000L | SYS_getpgid, 0));
	return 0;
#else
	fprintf(stderr, "probe: x32 is x86_64 only\n");
	return 2;
#endif
}

static int hold(long n, const char *until)
{
	for (long i = 0; i < n; i++) {
		pid_t child = fork();
		if (child < 0) {
			perror("probe: fork");
			return 1;
		}
		if (child == 0) {
			pause();
			_exit(0);
		}
	}
	printf("hold: %ld children\n", n);
	fflush(stdout);
	while (access(until, F_OK) != 0)
		usleep(50000);
	signal(SIGTERM, SIG_IGN);
	kill(0, SIGTERM); /* the children: a PID namespace's init ignores it */
	while (wait(NULL) > 0)
		;
	return 0;
}

static int int80(const char *name)
{
#if defined(__x86_64__)
	long nr;
	if (!strcmp(name, "sgetmask"))
		nr = 68;
	else if (!strcmp(name, "getpgrp"))
		nr = 65;
	else if (!strcmp(name, "bit30"))
		nr = 0x40000000L | 99;
	else {
		fprintf(stderr, "probe: no 32-bit call %s\n", name);
		return 2;
	}
	long rc;
	/* The 32-bit entry clobbers r8-r11 on current kernels. */
	__asm__ volatile("int $0x80" : "=a"(rc) : "a"(nr) : "memory", "r8", "r9", "r10", "r11");
	/* The raw entry returns -errno. */
	printf("int80: %s %s\n", name, rc < 0 && rc > -4096 ? strerror((int)-rc) : "ok");
	return 0;
#else
	(void)name;
	fprintf(stderr, "probe: int80 is x86_64 only\n");
	return 2;
#endif
}

static int open_socket(const char *what, int family, int type, int protocol)
{
	int fd = socket(family, type, protocol);
	report("main", what, fd);
	if (fd >= 0)
		close(fd);
	return 0;
}

/* A child made by a raw clone with these flags: like fork, it runs on a
 * copy of the stack. */
static long clone_child(unsigned long flags)
{
	long pid = syscall(SYS_clone, flags | SIGCHLD, 0, 0, 0, 0);
	if (pid == 0)
		_exit(0);
	if (pid > 0)
		waitpid((pid_t)pid, NULL, 0);
	return pid;
}

/* An ioctl that takes an int on a fresh socket. */
static long socket_ioctl(unsigned long request)
{
	int fd = socket(AF_UNIX, SOCK_DGRAM, 0), n = 1;
	long rc = fd < 0 ? -1 : ioctl(fd, request, &n);
	if (fd >= 0)
		close(fd);
	return rc;
}

static int args(void)
{
	open_socket("socket AF_INET SOCK_STREAM", AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	open_socket("socket AF_UNIX SOCK_DGRAM", AF_UNIX, SOCK_DGRAM, 0);
	report("main", "personality query", personality(0xffffffff));
	report("main", "unshare CLONE_FILES", unshare(CLONE_FILES));
	report("main", "prctl PR_GET_DUMPABLE", prctl(PR_GET_DUMPABLE));
	report("main", "ioctl FIONBIO", socket_ioctl(FIONBIO));
	pthread_t t;
	if (pthread_create(&t, NULL, thread_main, NULL) != 0 || pthread_join(t, NULL) != 0)
		return 1;
	report("main", "fork", clone_child(0));
	return 0;
}

static int argcall(const char *name)
{
	if (!strcmp(name, "netlink"))
		return open_socket("socket AF_NETLINK", AF_NETLINK, SOCK_RAW, 0 /* NETLINK_ROUTE */);
	if (!strcmp(name, "raw"))
		return open_socket("socket AF_INET SOCK_RAW", AF_INET, SOCK_RAW, 1 /* IPPROTO_ICMP */);
	if (!strcmp(name, "linux32")) {
		int old = personality(0xffffffff);
		report("main", "personality PER_LINUX32", personality(PER_LINUX32));
		personality(old);
		return 0;
	}
	if (!strcmp(name, "newuts")) {
		report("main", "clone CLONE_NEWUTS", clone_child(CLONE_NEWUTS));
		return 0;
	}
	if (!strcmp(name, "unshare-uts")) {
		report("main", "unshare CLONE_NEWUTS", unshare(CLONE_NEWUTS));
		return 0;
	}
	if (!strcmp(name, "timerslack")) {
		report("main", "prctl PR_GET_TIMERSLACK", prctl(PR_GET_TIMERSLACK));
		return 0;
	}
	if (!strcmp(name, "fionread")) {
		report("main", "ioctl FIONREAD", socket_ioctl(FIONREAD));
		return 0;
	}
	if (!strcmp(name, "wx")) {
		void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		report("main", "mmap PROT_WRITE|PROT_EXEC", p == MAP_FAILED ? -1 : 0);
		return 0;
	}
	if (!strcmp(name, "mprotect-x")) {
		void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		report("main", "mprotect PROT_EXEC", p == MAP_FAILED ? -1 : mprotect(p, 4096, PROT_READ | PROT_EXEC));
		return 0;
	}
	fprintf(stderr, "probe: no argcall %s\n", name);
	return 2;
}

#if defined(__x86_64__)
#define PROBE_AUDIT_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define PROBE_AUDIT_ARCH AUDIT_ARCH_AARCH64
#endif

static int own_filter(void)
{
	struct sock_filter code[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, PROBE_AUDIT_ARCH, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW), /* other ABIs: not this probe's */
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_sysinfo, 3, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_syslog, 2, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_kcmp, 2, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
	};
	struct sock_fprog prog = {sizeof(code) / sizeof(code[0]), code};
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) || prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog)) {
		perror("probe: install a seccomp filter");
		return 1;
	}
	report("main", "sysinfo", syscall(SYS_sysinfo, NULL));
	report("main", "acct", syscall(SYS_acct, 0));
	report("main", "syslog", syscall(SYS_syslog, 10, 0, 0)); /* SYSLOG_ACTION_SIZE_BUFFER */
	pid_t child = fork();
	if (child == 0) {
		syscall(SYS_kcmp, getpid(), getpid(), 0, 0, 0);
		_exit(0);
	}
	int status;
	if (child < 0 || waitpid(child, &status, 0) != child)
		return 1;
	printf("child: kcmp %s\n", WIFSIGNALED(status) && WTERMSIG(status) == SIGSYS ? "killed by SIGSYS" : "not killed");
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "args"))
		return args();
	if (argc == 3 && !strcmp(argv[1], "argcall"))
		return argcall(argv[2]);
	if (argc == 3 && !strcmp(argv[1], "call"))
		return call(argv[2]);
	if (argc == 3 && !strcmp(argv[1], "sibling"))
		return sibling(argv[2]);
	if (argc == 2 && !strcmp(argv[1], "swarm"))
		return swarm();
	if (argc == 2 && !strcmp(argv[1], "ownfilter"))
		return own_filter();
	if (argc == 2 && !strcmp(argv[1], "x32"))
		return x32();
	if (argc == 4 && !strcmp(argv[1], "hold"))
		return hold(strtol(argv[2], NULL, 10), argv[3]);
	if ((argc == 2 || argc == 3) && !strcmp(argv[1], "int80"))
		return int80(argc == 3 ? argv[2] : "sgetmask");
	if (argc != 2 || (strcmp(argv[1], "record") && strcmp(argv[1], "extra"))) {
		fprintf(stderr, "usage: probe record|extra|swarm|ownfilter|hold N FILE|int80 [NAME]|x32|call NAME|sibling NAME|args|argcall NAME\n");
		return 2;
	}
	struct itimerval it;
	report("main", "getitimer", syscall(SYS_getitimer, ITIMER_REAL, &it));

	pthread_t t;
	if (pthread_create(&t, NULL, thread_main, NULL) != 0 || pthread_join(t, NULL) != 0)
		return 1;

	pid_t child = fork();
	if (child < 0)
		return 1;
	if (child == 0) {
		report("child", "ioprio_get", syscall(SYS_ioprio_get, 1 /* IOPRIO_WHO_PROCESS */, 0));
		_exit(0);
	}
	int status;
	if (waitpid(child, &status, 0) != child || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return 1;

	if (!strcmp(argv[1], "extra"))
		report("main", "sched_get_priority_min", syscall(SYS_sched_get_priority_min, SCHED_FIFO));
	return 0;
}
