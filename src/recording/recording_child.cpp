// SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
#include "recording/recording_child.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <ctime>
#include <optional>

#include "base/child_process.h"
#include "base/error.h"
#include "base/log.h"
#include "base/proc_stat.h"
#include "base/signal_fd.h"
#include "recording/recording_end.h"
#include "node/node_program.h"
#include "node/recorder.h"
#include "node/recording_info.h"
#include "node/node_lock.h"

namespace {

void send_line(int fd, const std::string& line)
{
	std::string msg = line + "\n";
	// One write of a short line to a pipe is atomic; the hook reads it whole.
	(void)!::write(fd, msg.data(), msg.size());
}

void detach_from_runtime()
{
	// The runtime waits for the hook's stdio to close: let go of all three.
	::setsid();
	int null = ::open("/dev/null", O_RDWR | O_CLOEXEC);
	if (null >= 0) {
		for (int fd : {STDIN_FILENO, STDOUT_FILENO, STDERR_FILENO})
			::dup2(null, fd);
		::close(null);
	}
	logging::detach_stderr();
}

// The last recording out left the program lingering: a process of its own
// unloads it when its time is up, unless a recording came meanwhile (then
// that one's end decides). This one exits as ever: whoever waits for it
// (stop, the recording service's cap) does not wait the linger out.
void unload_when_due()
{
	pid_t recording = ::getpid();
	pid_t pid = ::fork();
	if (pid < 0)
		logging::warn(std::string("fork the process that unloads the lingering BPF recorder: ") +
			      std::strerror(errno) + "; cleanup unloads it");
	if (pid != 0)
		return;
	int status = 0;
	try {
		logging::close_other_fds(); // the container's namespaces, its files, the runtime's pipes
		UniqueFd signals = block_into_signalfd({SIGTERM, SIGINT, SIGHUP});
		std::optional<Lingering> lingering;
		{
			// This process, not the recording's, is the one cleanup stops.
			NodeLock lock(std::chrono::seconds(10));
			lingering = load_lingering();
			std::optional<ProcStat> self = proc_stat(::getpid());
			if (!lingering || lingering->waiter != recording || !self)
				::_exit(0); // a recording came, or cleanup unloaded it
			lingering->waiter = ::getpid();
			lingering->waiter_start = self->start;
			save_lingering(*lingering);
		}
		long long left = lingering->until - std::time(nullptr) + 1;
		struct pollfd p = {signals.get(), POLLIN, 0};
		int n;
		while ((n = ::poll(&p, 1, static_cast<int>(std::max(0LL, left) * 1000))) < 0 && errno == EINTR) {
		}
		if (n == 0) { // not told to stop (cleanup unloads it itself)
			NodeLock lock(std::chrono::seconds(10));
			if (NodeProgram::expire(lock))
				logging::info("unloaded the lingering BPF recorder: no recording came in time");
		}
	} catch (const std::exception& e) {
		logging::error("unload the lingering BPF recorder: " + std::string(e.what()));
		status = 1;
	}
	::_exit(status);
}

} // namespace

int record_here(const RecordingJob& job, int ready_fd)
{
	// A hook killed before it read "ready" must not take the child, and its
	// slot, with it: the write fails instead, and the recording goes on.
	::signal(SIGPIPE, SIG_IGN);
	std::optional<Recorder> rec;
	UniqueFd signals;
	Writes writes;
	try {
		signals = block_into_signalfd({SIGTERM, SIGINT, SIGHUP, SIGUSR1});
		// Before the claim: a version written after this point is an
		// overlapping recording's, merged rather than replaced.
		writes.at_start = job.output.version();
		rec.emplace(job.target, job.btf_cache_dir, job.report.base.under_seccomp.value_or(false), job.arg_rules,
			    job.linger);
	} catch (const std::exception& e) {
		send_line(ready_fd, std::string("error: ") + e.what());
		return 1;
	}
	::clock_gettime(CLOCK_REALTIME, &writes.started);
	send_line(ready_fd, "ready");
	::close(ready_fd);
	// After "ready": the container need not wait for what only status reads.
	try {
		save_recording_info(rec->slot(), {job.report.base.container_id, job.target.pid, job.output.display(),
						  utc_time(writes.started), job.owner});
	} catch (const std::exception& e) {
		logging::warn(std::string("status will not show this recording's container: ") + e.what());
	}
	logging::info("recording pid " + std::to_string(job.target.pid) + " into " + job.output.display());
	rec->write_btf_cache();
	if (job.report.base.under_seccomp.value_or(false))
		logging::warn("container " + job.report.base.container_id + " runs under a seccomp filter: what it denies" +
			      " is not recorded, only listed in the report's denied (record with the filter you mean to" +
			      " tighten, or unconfined)");
	std::string ended_by = "init exit";

	// The pidfd turns readable when the init's last thread has exited (the
	// kernel's own notice of its sched_process_exit).
	struct pollfd fds[] = {{job.target.pidfd.get(), POLLIN, 0}, {signals.get(), POLLIN, 0}};
	for (;;) {
		if (::poll(fds, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			throw_errno("poll");
		}
		if (fds[0].revents & POLLIN)
			break;
		struct signalfd_siginfo si;
		if (::read(signals.get(), &si, sizeof(si)) != sizeof(si))
			continue;
		if (si.ssi_signo != SIGUSR1) {
			logging::info("signal " + std::to_string(si.ssi_signo) + ": writing what was recorded");
			ended_by = "signal " + std::to_string(si.ssi_signo);
			break;
		}
		if (Recorded now = rec->read(); now.execed)
			write_profile(job, now, writes, "snapshot", ProfileFiles{}); // of a container that runs on; a failure is logged
		else
			logging::info("no snapshot of " + job.output.display() + ": the container's process has not started yet");
	}
	int status = end_recording(job, *rec, writes, ended_by, ProfileFiles{});
	bool lingering = rec->left_lingering();
	rec.reset();
	if (lingering)
		unload_when_due();
	return status;
}

namespace {

// "" once the child is recording (and released to run on), else why not.
std::string wait_until_ready(int ready_fd, ChildProcess& child, std::chrono::milliseconds timeout)
{
	struct pollfd p = {ready_fd, POLLIN, 0};
	int n;
	while ((n = ::poll(&p, 1, static_cast<int>(timeout.count()))) < 0 && errno == EINTR) {
	}
	if (n < 0)
		return std::string("wait for tracing child: ") + std::strerror(errno);
	if (n == 0)
		return "tracing child did not start recording within " + std::to_string(timeout.count()) + " ms";

	char buf[4096];
	ssize_t len = ::read(ready_fd, buf, sizeof(buf) - 1);
	std::string line = len > 0 ? std::string(buf, static_cast<size_t>(len)) : "";
	while (!line.empty() && line.back() == '\n')
		line.pop_back();
	if (line == "ready") {
		child.release();
		return "";
	}
	if (line.rfind("error: ", 0) == 0)
		return line.substr(7);
	return "tracing child ended before recording (" + child.reap() + ")";
}

} // namespace

void start_recording_child(RecordingJob job, std::chrono::milliseconds timeout)
{
	int pipefd[2];
	if (::pipe2(pipefd, O_CLOEXEC) < 0)
		throw_errno("create pipe to tracing child");
	UniqueFd ready_read(pipefd[0]);
	UniqueFd ready_write(pipefd[1]);

	pid_t pid = ::fork();
	if (pid < 0)
		throw_errno("fork tracing child");
	if (pid == 0) {
		ready_read.reset();
		int status = 1;
		try {
			detach_from_runtime();
			status = record_here(job, ready_write.release());
		} catch (const std::exception& e) {
			logging::error(e.what());
		}
		::_exit(status);
	}
	ready_write.reset();
	std::string failure;
	{
		ChildProcess child(pid);
		failure = wait_until_ready(ready_read.get(), child, timeout);
	} // a child that failed is killed and reaped here
	if (failure.empty())
		return;
	// A child killed half-way through loading cannot clean up after itself.
	// Best effort, and brief: the runtime is waiting, and the next
	// recording frees what is left.
	try {
		NodeLock lock(std::chrono::seconds(1));
		NodeProgram::tidy(lock);
	} catch (const std::exception& e) {
		logging::warn(std::string("clean up after the tracing child: ") + e.what());
	}
	throw Error(failure);
}
