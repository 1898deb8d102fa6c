// SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
#include <catch2/catch.hpp>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/child_process.h"
#include "base/proc_stat.h"

TEST_CASE("a /proc/PID/stat line gives its state and start time, whatever the command is called",
	  "[proc_stat]")
{
	std::string fields = " S 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 987654 19 20";
	auto ps = parse_proc_stat("4242 (oci-seccomp-rec)" + fields);
	REQUIRE(ps);
	CHECK(ps->state == 'S');
	CHECK(ps->ppid == 1);
	CHECK(ps->start == 987654);
	// A command may hold spaces and parentheses: fields start after the last ')'.
	ps = parse_proc_stat("4242 (a) Z (b c)" + fields);
	REQUIRE(ps);
	CHECK(ps->start == 987654);

	CHECK_FALSE(parse_proc_stat(""));
	CHECK_FALSE(parse_proc_stat("4242 (x"));
	CHECK_FALSE(parse_proc_stat("4242 (x) S 1 2 3"));
	CHECK_FALSE(parse_proc_stat("4242 (x) S 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 soon"));
}

TEST_CASE("a /proc/PID/status text gives the four uids of its Uid: line", "[proc_stat]")
{
	auto uids = parse_status_uids("Name:\tsh\nUmask:\t0022\nUid:\t1002\t0\t1002\t1002\nGid:\t5\t5\t5\t5\n");
	REQUIRE(uids);
	CHECK(*uids == std::array<uid_t, 4>{1002, 0, 1002, 1002});
	CHECK_FALSE(parse_status_uids("Name:\tsh\nGid:\t5\t5\t5\t5\n"));
	CHECK_FALSE(parse_status_uids("Uid:\t1002\t0\n"));
	CHECK(proc_uids(::getpid()) == std::array<uid_t, 4>{::getuid(), ::geteuid(), ::geteuid(), ::geteuid()});
}

TEST_CASE("this process is alive by its pid and start time, and by no other start", "[proc_stat]")
{
	auto self = proc_stat(::getpid());
	REQUIRE(self);
	CHECK(process_alive(::getpid(), self->start));
	CHECK_FALSE(process_alive(::getpid(), self->start + 1));
	CHECK_FALSE(proc_stat(-1));
}

TEST_CASE("a child whose status cannot be had is never reported as exited well", "[child_process]")
{
	// Not a child of this process: waitpid fails, and no status is read.
	ChildProcess other(::getppid());
	std::string how = other.reap();
	CHECK(how != "exit status 0");
	CHECK_THAT(how, Catch::Matchers::StartsWith("no status (waitpid: "));
	pid_t pid = ::fork();
	REQUIRE(pid >= 0);
	if (pid == 0)
		::_exit(3);
	CHECK(ChildProcess(pid).reap() == "exit status 3");
}

TEST_CASE("a pidfd names the process of one start time, and tells when it has exited", "[proc_stat]")
{
	pid_t pid = ::fork();
	REQUIRE(pid >= 0);
	if (pid == 0) {
		::signal(SIGTERM, SIG_DFL); // not Catch's handler, which would report a failure from here
		::pause();
		::_exit(0);
	}
	ChildProcess child(pid);
	auto ps = proc_stat(pid);
	REQUIRE(ps);
	// Another start time under the same pid is another process: not opened.
	CHECK_FALSE(open_process(pid, ps->start + 1));
	auto fd = open_process(pid, ps->start);
	REQUIRE(fd);
	CHECK_FALSE(has_exited(fd->get()));
	CHECK_FALSE(wait_exited(fd->get(), std::chrono::milliseconds(20)));
	REQUIRE(::kill(pid, SIGTERM) == 0);
	CHECK(wait_exited(fd->get(), std::chrono::seconds(10)));
	// A zombie has exited, and is no longer the process to open.
	CHECK(has_exited(fd->get()));
	CHECK_FALSE(open_process(pid, ps->start));
	CHECK(child.reap() == "signal 15");
	CHECK_FALSE(open_process(pid, ps->start));
}

TEST_CASE("the initial user namespace's uid_map maps every uid to itself; a rootless one does not", "[proc_stat]")
{
	CHECK(is_initial_uid_map("         0          0 4294967295\n"));
	CHECK_FALSE(is_initial_uid_map("         0       1000          1\n         1     100000      65536\n"));
	CHECK_FALSE(is_initial_uid_map("         0          0      65536\n"));
	CHECK_FALSE(is_initial_uid_map("         0          0 4294967295\n         1          1 1\n"));
	CHECK_FALSE(is_initial_uid_map(""));
	CHECK(in_initial_user_namespace()); // the tests run on the node
}
