// SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
#include "hook/recording_child.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <ctime>
#include <optional>

#include "base/child_process.h"
#include "base/error.h"
#include "base/log.h"
#include "base/path.h"
#include "node/node_program.h"
#include "node/recorder.h"
#include "node/recording_info.h"
#include "profile/profile.h"
#include "profile/ruleset.h"
#include "profile/seccompprofile.h"

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

UniqueFd block_signals()
{
	sigset_t set;
	sigemptyset(&set);
	for (int sig : {SIGTERM, SIGINT, SIGHUP, SIGUSR1})
		sigaddset(&set, sig);
	if (::sigprocmask(SIG_BLOCK, &set, nullptr) < 0)
		throw_errno("block signals");
	int fd = ::signalfd(-1, &set, SFD_CLOEXEC);
	if (fd < 0)
		throw_errno("create signalfd");
	return UniqueFd(fd);
}

// The node-wide lock file of profile writers (see FileLock).
constexpr const char* kProfileLocks = "/run/oci-seccomp-recorder.profiles.lock";
// How long the end of a recording waits for the node lock before it writes
// its profile first.
constexpr std::chrono::seconds kReleaseWait{10};
// Where a profile goes that its own file did not take (a full or broken
// disk): memory, which the profile dir's disk cannot fill.
constexpr const char* kUnwrittenDir = "/run/oci-seccomp-recorder-unwritten";

// When this recording began, what its output file was then, its own last
// write, and what others wrote there since it began: another version of the
// file than these two is a recording that overlapped this one.
struct Writes {
	struct timespec started;
	std::optional<FileVersion> at_start;
	std::optional<FileVersion> last;
	std::optional<RuleSet> others;
};

// Recordings that overlap in time and name one output end in one profile
// with all of them: what overlapping recordings wrote there is merged in
// (kept across snapshots, which replace the file). Returns the text to
// write, and its rules.
std::pair<std::string, RuleSet> with_overlapping(const RecordingJob& job, const RecordedProfile& profile, Writes& writes)
{
	const std::string& where = job.output.display();
	auto other = job.output.read_unless({writes.at_start ? &*writes.at_start : nullptr,
					     writes.last ? &*writes.last : nullptr},
					    kMaxInputProfileBytes);
	if (other) {
		try {
			RuleSet theirs = parse_ruleset(*other, where);
			if (writes.others)
				merge_ruleset(*writes.others, theirs, where);
			else
				writes.others = std::move(theirs);
		} catch (const std::exception& e) {
			logging::warn(where + ": replacing what a recording that overlapped this one wrote there: " + e.what());
		}
	}
	if (!writes.others)
		return {profile.text, profile.rules};
	RuleSet both = *writes.others;
	try {
		merge_ruleset(both, profile.rules, "this recording");
	} catch (const std::exception& e) {
		logging::warn(where + ": replacing what a recording that overlapped this one wrote there: " + e.what());
		return {profile.text, profile.rules};
	}
	logging::info(where + ": merged with what recordings that overlapped this one wrote there");
	return {render_ruleset(both), both};
}

// The report of this recording so far, beside the profile. A failure is
// logged: the profile matters more.
void write_report(const RecordingJob& job, const Recorded& rec, const ResolvedNames& resolved, const ResolvedNames& denied,
		  const ResolvedNames& killed, const Writes& writes, const std::string& ended_by)
{
	Report report = job.report.base;
	report.started = writes.started;
	::clock_gettime(CLOCK_REALTIME, &report.ended);
	report.ended_by = ended_by;
	report.recorded = resolved.by_arch;
	report.denied = denied.by_arch;
	report.killed = killed.by_arch;
	report.untracked = rec.untracked;
	try {
		job.report.file.write_atomically(render_report(report));
	} catch (const std::exception& e) {
		logging::error(e.what());
	}
}

// A profile its own file did not take, kept in kUnwrittenDir under the
// tracing child's pid and the file's name. Returns where, or why not.
std::string save_unwritten(const std::string& display, const std::string& text)
{
	try {
		std::string name = std::to_string(::getpid()) + "-" + split_path(display).name;
		ProfileDir dir(kUnwrittenDir);
		dir.output(name).write_atomically(text, 0600);
		return "saved as " + std::string(kUnwrittenDir) + "/" + name;
	} catch (const std::exception& e) {
		return std::string("not saved elsewhere either: ") + e.what();
	}
}

// Writes the report, the profile and the resource. False if the profile or
// the resource could not be written: the profile is then saved in
// kUnwrittenDir, and the log names it and has the recorded names, so that a
// full disk loses no recording.
bool write_profile(const RecordingJob& job, const Recorded& rec, Writes& writes, const std::string& ended_by)
{
	if (rec.untracked != 0)
		logging::warn(std::to_string(rec.untracked) + " processes of the container were not tracked (over " +
			      std::to_string(MAX_MEMBERS_PER_RECORDING) + " at once): their syscalls were recorded only" +
			      " while in the container's mount namespace");
	ResolvedNames resolved = resolve_names(rec.syscalls);
	for (const SyscallId& id : resolved.unnamed)
		logging::warn("syscall " + std::to_string(id.nr) + " of ABI " + std::to_string(id.abi) +
			      " has no name in this libseccomp: it cannot be allowed by name");
	ResolvedNames denied = resolve_names(rec.denied);
	std::set<std::string> allowed = resolved.names;
	if (!denied.names.empty()) {
		logging::warn(job.output.display() + ": the container's seccomp filter denied " +
			      std::to_string(denied.names.size()) + " syscalls: " + join(denied.names, " ") +
			      (job.allow_denied ? "; allowed in the profile (--allow-denied)"
						: "; not in the profile (--allow-denied adds them)"));
		if (job.allow_denied)
			allowed.insert(denied.names.begin(), denied.names.end());
	}
	ResolvedNames killed = resolve_names(rec.killed);
	if (!killed.names.empty())
		logging::warn(job.output.display() + ": the container's seccomp filter killed processes (SIGSYS) at: " +
			      join(killed.names, " ") + "; not in the profile");
	std::optional<ArgRules> args;
	if (job.arg_rules) {
		args = make_arg_rules(rec.arguments, allowed);
		if (!args->unrestricted.empty())
			logging::warn(job.output.display() + ": allowed whatever their arguments (more values than " +
				      std::to_string(ARG_VALUES_PER_RULE) + ", or flags that could not be read): " +
				      join(args->unrestricted, " "));
	}
	RecordedProfile profile = build_profile(job.input ? &*job.input : nullptr, allowed, host_arch_names(),
						args ? &*args : nullptr);
	// Before the profile: whoever waits for the profile finds the report too.
	write_report(job, rec, resolved, denied, killed, writes, ended_by);
	RuleSet written;
	std::string text = profile.text;
	try {
		// Only writers of this same file wait here, each for as long as it
		// takes: no caller waits on a tracing child.
		FileLock lock = job.output.lock(kProfileLocks);
		auto merged = with_overlapping(job, profile, writes);
		text = std::move(merged.first);
		writes.last = job.output.write_atomically(text);
		written = std::move(merged.second);
	} catch (const std::exception& e) {
		logging::error(std::string(e.what()) + "; the profile " + save_unwritten(job.output.display(), text) +
			       "; the recorded syscalls: " + join(resolved.names, " "));
		return false;
	}
	logging::info("wrote " + job.output.display() + ": " + std::to_string(resolved.names.size()) +
		      " syscalls recorded, " + std::to_string(profile.added.size()) + " allowed by its recorded rule" +
		      (profile.restricted.empty() ? ""
						  : ", " + std::to_string(profile.restricted.size()) +
							    " by argument rules (" + join(profile.restricted, " ") + ")") +
		      (job.input ? " (the others were in the input profile)" : ""));
	if (!profile.denied.empty())
		logging::warn(job.output.display() + ": the input profile denies these recorded syscalls, and they stay denied: " +
			      join(profile.denied, " "));
	if (!profile.conditional.empty())
		logging::info(job.output.display() +
			      ": the input profile allows these recorded syscalls only under its conditions, which they keep: " +
			      join(profile.conditional, " "));
	if (job.resource) {
		std::string resource = render_seccompprofile(written, job.resource->name);
		try {
			job.resource->file.write_atomically(resource);
		} catch (const std::exception& e) {
			logging::error(std::string(e.what()) + "; the resource " +
				       save_unwritten(job.resource->file.display(), resource));
			return false;
		}
		logging::info("wrote " + job.resource->file.display() + ": SeccompProfile " + job.resource->name);
	}
	return true;
}

// Runs in the child until the container's init is gone or the node asks us
// to stop. Returns the exit status.
int record(const RecordingJob& job, int ready_fd)
{
	detach_from_runtime();
	// A hook killed before it read "ready" must not take the child, and its
	// slot, with it: the write fails instead, and the recording goes on.
	::signal(SIGPIPE, SIG_IGN);
	std::optional<Recorder> rec;
	UniqueFd signals;
	Writes writes;
	try {
		signals = block_signals();
		// Before the claim: a version written after this point is an
		// overlapping recording's, merged rather than replaced.
		writes.at_start = job.output.version();
		rec.emplace(job.target, job.btf_cache_dir, job.report.base.under_seccomp.value_or(false), job.arg_rules);
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
						  utc_time(writes.started)});
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
			write_profile(job, now, writes, "snapshot"); // of a container that runs on; a failure is logged
		else
			logging::info("no snapshot of " + job.output.display() + ": the container's process has not started yet");
	}
	Recorded last = rec->read();
	// The slot is freed before the profile is written: a recording that
	// waits for its file's turn holds none of the node's. One not freed in
	// time is freed after the write, whatever the wait.
	if (rec->release(kReleaseWait))
		rec.reset();
	std::string pid = "pid " + std::to_string(job.target.pid);
	if (last.syscalls.empty()) {
		logging::error(pid + " exited before its runtime started it: no profile written to " + job.output.display());
		return 1;
	}
	// What a runtime does before it fails to start the container's process
	// is no profile of it, and must not replace one that is.
	if (!last.execed) {
		logging::error(pid + " exited before its runtime exec'd the container's process (the runtime failed to" +
			       " start it): no profile written to " + job.output.display());
		return 1;
	}
	return write_profile(job, last, writes, ended_by) ? 0 : 1;
}

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
			status = record(job, ready_write.release());
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
