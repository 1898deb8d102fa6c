// SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
#include "service/server.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <map>

#include "base/error.h"
#include "base/log.h"
#include "base/proc_stat.h"
#include "base/signal_fd.h"
#include "node/recordings.h"
#include "node/target.h"
#include "oci/annotation.h"
#include "oci/state.h"
#include "recording/recording_child.h"
#include "service/ownership.h"
#include "service/protocol.h"

namespace {

// The socket systemd passes (sd_listen_fds(3)'s protocol: fd 3 on, for the
// pid LISTEN_PID names), checked to be a listening stream socket.
UniqueFd passed_socket()
{
	const char* pid = std::getenv("LISTEN_PID");
	const char* fds = std::getenv("LISTEN_FDS");
	if (!pid || !fds || std::to_string(::getpid()) != pid || std::string(fds) != "1")
		throw Error("no socket was passed to the service: start it through oci-seccomp-recorder.socket (or "
			    "systemd-socket-activate -l PATH)");
	::unsetenv("LISTEN_PID");
	::unsetenv("LISTEN_FDS");
	::unsetenv("LISTEN_FDNAMES");
	int listening = 0, domain = 0;
	socklen_t len = sizeof(int);
	if (::getsockopt(3, SOL_SOCKET, SO_ACCEPTCONN, &listening, &len) < 0 || !listening ||
	    ::getsockopt(3, SOL_SOCKET, SO_DOMAIN, &domain, &len) < 0 || domain != AF_UNIX)
		throw Error("the socket passed to the service is not a listening unix socket");
	::fcntl(3, F_SETFD, FD_CLOEXEC);
	return UniqueFd(3);
}

// One line, and no waiting for a caller who does not read.
void answer(int conn, const std::string& line)
{
	std::string msg = line + "\n";
	(void)!::send(conn, msg.data(), msg.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
}

std::string who(const Caller& caller)
{
	return "uid " + std::to_string(caller.account) + " (pid " + std::to_string(caller.pid) + ")";
}

// The child for one connection. Returns its exit status.
int serve_one(UniqueFd conn, const Caller& caller, const ServiceOptions& opts)
{
	// Whatever the request's files are (a FUSE file that never answers),
	// this child ends soon after the deadline unless it records; a request
	// that does not come in time is told so first.
	auto seconds = std::chrono::ceil<std::chrono::seconds>(opts.request_deadline) + std::chrono::seconds(2);
	::alarm(static_cast<unsigned>(seconds.count()));
	try {
		ReceivedRequest got = receive_request(conn.get(), std::chrono::steady_clock::now() + opts.request_deadline);
		ServiceRequest req = parse_request(got.text);
		if (req.op == ServiceRequest::Op::status) {
			if (got.dir)
				throw Error("a status request carries no descriptor");
			std::string list = recordings_json(running_recordings(), caller.account).dump() + "\n";
			if (!write_all(conn.get(), list))
				throw_errno("send the status");
			return 0;
		}
		if (!got.dir)
			throw Error("request carries no profile directory");
		State state = parse_state(req.state);
		std::optional<SelectedAnnotation> annotation = select_annotation(state.annotations);
		if (!annotation)
			throw Error("container " + state.id + " has no " + std::string(kAnnotation) + " annotation");
		Request asked = parse_annotation(annotation->value);
		UniqueFd checked = require_owned(caller, state.pid);
		Target target = resolve_target(state.pid);
		if (has_exited(checked.get())) // then the target may be another process
			throw Error("you may not record pid " + std::to_string(state.pid) + ": it exited while it was checked");
		RecordingJob job =
			prepare_job(state, asked, ProfileDir(std::move(got.dir), caller.ids), req.seccomp, opts.recording);
		job.target = std::move(target);
		job.owner = caller.account;
		::alarm(0);
		logging::info("container " + state.id + ": recording for " + who(caller) + " into " + job.output.display());
		return record_here(job, conn.release());
	} catch (const std::exception& e) {
		logging::warn("refused " + who(caller) + ": " + e.what());
		answer(conn.get(), std::string("error: ") + e.what());
		return 1;
	}
}

class Service {
public:
	explicit Service(const ServiceOptions& opts)
		: opts_(opts), listening_(passed_socket()), signals_(block_into_signalfd({SIGCHLD, SIGTERM, SIGINT, SIGHUP}))
	{
	}

	int run()
	{
		logging::info("recording service: serving, at most " + std::to_string(opts_.max_per_user) + " per user");
		for (;;) {
			struct pollfd fds[] = {{listening_.get(), POLLIN, 0}, {signals_.get(), POLLIN, 0}};
			int idle = children_.empty() && opts_.idle_exit.count() > 0
					   ? static_cast<int>(std::chrono::milliseconds(opts_.idle_exit).count())
					   : -1;
			int n = ::poll(fds, 2, idle);
			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0)
				throw_errno("poll");
			if (n == 0) {
				logging::info("recording service: idle, exiting (the socket starts it again)");
				return 0;
			}
			if (fds[1].revents & POLLIN) {
				struct signalfd_siginfo si;
				if (::read(signals_.get(), &si, sizeof(si)) == sizeof(si) && si.ssi_signo != SIGCHLD) {
					logging::info("recording service: signal " + std::to_string(si.ssi_signo) +
						      ", exiting; " + std::to_string(children_.size()) +
						      " recordings and requests go on");
					return 0;
				}
				reap();
			}
			if (fds[0].revents & POLLIN)
				accept_one();
		}
	}

private:
	void reap()
	{
		pid_t pid;
		while ((pid = ::waitpid(-1, nullptr, WNOHANG)) > 0)
			children_.erase(pid);
	}

	void accept_one()
	{
		UniqueFd conn(::accept4(listening_.get(), nullptr, nullptr, SOCK_CLOEXEC));
		if (!conn) {
			logging::warn(std::string("accept: ") + std::strerror(errno));
			return;
		}
		try {
			Caller caller = identify_peer(conn.get());
			size_t mine = 0;
			for (const auto& [pid, account] : children_)
				mine += account == caller.account;
			if (mine >= opts_.max_per_user)
				throw Error("uid " + std::to_string(caller.account) + " has " + std::to_string(mine) +
					    " recordings or requests under way, the most the recording service allows one user");
			if (children_.size() >= opts_.max_total)
				throw Error("the recording service has " + std::to_string(children_.size()) +
					    " recordings or requests under way, its most");
			pid_t pid = ::fork();
			if (pid < 0)
				throw_errno("fork");
			if (pid == 0) {
				listening_.reset();
				signals_.reset();
				sigset_t none;
				sigemptyset(&none);
				::sigprocmask(SIG_SETMASK, &none, nullptr);
				::_exit(serve_one(std::move(conn), caller, opts_));
			}
			children_[pid] = caller.account;
		} catch (const std::exception& e) {
			logging::warn(std::string("refused a caller: ") + e.what());
			answer(conn.get(), std::string("error: ") + e.what());
		}
	}

	const ServiceOptions& opts_;
	UniqueFd listening_;
	UniqueFd signals_;
	std::map<pid_t, uid_t> children_; // their callers' accounts
};

} // namespace

int serve(const ServiceOptions& opts)
{
	return Service(opts).run();
}
