// SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
/* loop N [STAMP]: makes N getppid() calls and prints the time per call.
 * With STAMP, writes the CLOCK_REALTIME nanoseconds at which it is about to
 * exit to that file (for the exit-to-profile figure). */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static long long now(clockid_t clock)
{
	struct timespec ts;
	clock_gettime(clock, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int main(int argc, char **argv)
{
	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: loop N [STAMP]\n");
		return 2;
	}
	long n = atol(argv[1]);
	long long start = now(CLOCK_MONOTONIC);
	for (long i = 0; i < n; i++)
		syscall(SYS_getppid); /* not cached by libc: a real syscall each time */
	long long end = now(CLOCK_MONOTONIC);
	if (n > 0)
		printf("%.1f ns/call\n", (double)(end - start) / n);
	if (argc == 3) {
		FILE *f = fopen(argv[2], "w");
		if (!f)
			return 1;
		fprintf(f, "%lld\n", now(CLOCK_REALTIME));
		fclose(f);
	}
	return 0;
}
