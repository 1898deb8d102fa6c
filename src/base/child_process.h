// SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
// A forked child process, killed and reaped if it is still ours when the
// owner goes.
#pragma once

#include <signal.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <cerrno>
#include <cstring>
#include <string>

class ChildProcess {
public:
	explicit ChildProcess(pid_t pid) : pid_(pid) {}
	ChildProcess(const ChildProcess&) = delete;
	ChildProcess& operator=(const ChildProcess&) = delete;
	~ChildProcess()
	{
		if (pid_ > 0) {
			::kill(pid_, SIGKILL);
			reap();
		}
	}
	pid_t pid() const { return pid_; }
	// The child now runs on its own, past its owner.
	void release() { pid_ = -1; }
	// Waits for it and describes how it ended ("exit status 0" when well).
	std::string reap()
	{
		int status = 0;
		pid_t got;
		while ((got = ::waitpid(pid_, &status, 0)) < 0 && errno == EINTR) {
		}
		pid_ = -1;
		if (got < 0) // no status to read: never a success
			return std::string("no status (waitpid: ") + std::strerror(errno) + ")";
		if (WIFEXITED(status))
			return "exit status " + std::to_string(WEXITSTATUS(status));
		if (WIFSIGNALED(status))
			return "signal " + std::to_string(WTERMSIG(status));
		return "unknown status";
	}

private:
	pid_t pid_;
};
