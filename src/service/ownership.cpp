// SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
#include "service/ownership.h"

#include <fcntl.h>
#include <linux/nsfs.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <string>

#include "base/error.h"
#include "base/proc_stat.h"

#ifndef SO_PEERPIDFD
#define SO_PEERPIDFD 77 // Linux 6.5; Debian 12's headers predate it
#endif

namespace {

ino_t inode_of(int fd)
{
	struct stat st;
	return ::fstat(fd, &st) == 0 ? st.st_ino : 0;
}

std::optional<pid_t> parent_of(pid_t pid)
{
	std::optional<ProcStat> ps = proc_stat(pid);
	return ps ? std::optional<pid_t>(ps->ppid) : std::nullopt;
}

std::string pid_text(pid_t pid) { return "pid " + std::to_string(pid); }

} // namespace

std::optional<uid_t> account_of(pid_t pid)
{
	UniqueFd ns(::open(("/proc/" + std::to_string(pid) + "/ns/user").c_str(), O_RDONLY | O_CLOEXEC));
	UniqueFd ours(::open("/proc/self/ns/user", O_RDONLY | O_CLOEXEC));
	if (!ns || !ours)
		return std::nullopt;
	ino_t initial = inode_of(ours.get());
	if (inode_of(ns.get()) == initial) {
		std::optional<std::array<uid_t, 4>> uids = proc_uids(pid);
		if (!uids || (*uids)[1] != (*uids)[0] || (*uids)[2] != (*uids)[0] || (*uids)[3] != (*uids)[0])
			return std::nullopt;
		return (*uids)[0];
	}
	// Up to the namespace whose parent is the node's.
	for (int depth = 0; depth < 64; ++depth) { // the kernel nests at most 32
		UniqueFd parent(::ioctl(ns.get(), NS_GET_PARENT));
		if (!parent)
			return std::nullopt;
		if (inode_of(parent.get()) == initial) {
			uid_t owner;
			if (::ioctl(ns.get(), NS_GET_OWNER_UID, &owner) < 0)
				return std::nullopt;
			return owner;
		}
		ns = std::move(parent);
	}
	return std::nullopt;
}

Caller identify_peer(int conn)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);
	if (::getsockopt(conn, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0)
		throw_errno("read the caller's credentials");
	Caller caller;
	caller.pid = cred.pid;
	caller.ids = {cred.uid, cred.gid};
	int pidfd = -1;
	len = sizeof(pidfd);
	// The process that connected, not whatever has its pid now; before 6.5,
	// the pid's process, checked below to have the same uid.
	if (::getsockopt(conn, SOL_SOCKET, SO_PEERPIDFD, &pidfd, &len) == 0)
		caller.pidfd.reset(pidfd);
	else
		caller.pidfd = pidfd_open(cred.pid);
	if (!caller.pidfd)
		throw Error("the caller (" + pid_text(cred.pid) + ") has gone");
	std::optional<uid_t> account = account_of(cred.pid);
	std::optional<std::array<uid_t, 4>> uids = proc_uids(cred.pid);
	if (has_exited(caller.pidfd.get()) || !uids || (*uids)[1] != cred.uid)
		throw Error("the caller (" + pid_text(cred.pid) + ") has gone");
	if (!account)
		throw Error("the caller (" + pid_text(cred.pid) + ", uid " + std::to_string(cred.uid) +
			    ") answers to no single user");
	caller.account = *account;
	return caller;
}

bool descends_from(pid_t pid, pid_t ancestor, const std::function<std::optional<pid_t>(pid_t)>& parent)
{
	for (int step = 0; step < 4096 && pid > 0; ++step) {
		if (pid == ancestor)
			return true;
		std::optional<pid_t> up = parent(pid);
		if (!up || *up == pid)
			return false;
		pid = *up;
	}
	return false;
}

UniqueFd require_owned(const Caller& caller, pid_t pid)
{
	std::string refused = "you may not record " + pid_text(pid) + ": ";
	UniqueFd pidfd = pidfd_open(pid);
	if (!pidfd)
		throw Error(refused + "no such process");
	std::optional<pid_t> runtime = parent_of(caller.pid);
	if (!runtime)
		throw Error(refused + "the caller has gone");
	UniqueFd runtime_fd = pidfd_open(*runtime);
	std::string user = "uid " + std::to_string(caller.account);
	if (!runtime_fd || account_of(*runtime) != caller.account)
		throw Error(refused + "the process that ran the hook (" + pid_text(*runtime) + ") is not " + user + "'s");
	if (account_of(pid) != caller.account)
		throw Error(refused + "it is not " + user + "'s (another user's process, or in a user namespace " + user +
			    " does not own)");
	if (!descends_from(pid, *runtime, parent_of))
		throw Error(refused + "it is not a process of the runtime that ran the hook (" + pid_text(*runtime) + ")");
	// All three still the processes checked: none of their pids was reused
	// meanwhile.
	if (has_exited(caller.pidfd.get()) || has_exited(runtime_fd.get()) || has_exited(pidfd.get()))
		throw Error(refused + "a process exited while it was checked");
	return pidfd;
}
