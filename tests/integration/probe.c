/* A container workload with a fingerprint: each of its parts makes a syscall
 * that nothing else in the container (busybox, the runtime) makes, so a
 * profile shows exactly which parts were recorded.
 *
 *   probe record   main thread: getitimer; a second thread:
 *                  sched_get_priority_max; a forked child: ioprio_get
 *   probe extra    all of the above, then sched_get_priority_min
 *
 * Output is the same on every run, so a run under the recorded profile can be
 * compared with the recorded one. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
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

int main(int argc, char **argv)
{
	if (argc != 2 || (strcmp(argv[1], "record") && strcmp(argv[1], "extra"))) {
		fprintf(stderr, "usage: probe record|extra\n");
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
