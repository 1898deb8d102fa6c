// SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
#include "node/target.h"

#include <fcntl.h>
#include <sys/stat.h>

#include <fstream>
#include <sstream>
#include <string>

#include "base/error.h"
#include "base/proc_stat.h"

namespace {

uint32_t inode_of(int fd, const std::string& path)
{
	struct stat st;
	if (::fstat(fd, &st) < 0)
		throw_errno("stat " + path);
	return static_cast<uint32_t>(st.st_ino);
}

uint32_t ns_inode(const std::string& proc, const char* ns)
{
	std::string path = proc + "/ns/" + ns;
	struct stat st;
	if (::stat(path.c_str(), &st) < 0)
		throw_errno("stat " + path);
	return static_cast<uint32_t>(st.st_ino);
}

// The namespace, held open, and its inode.
UniqueFd open_ns(const std::string& proc, const char* ns, uint32_t& inode)
{
	std::string path = proc + "/ns/" + ns;
	UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
	if (!fd)
		throw_errno("open " + path);
	inode = inode_of(fd.get(), path);
	return fd;
}

// The pid in the process's own (innermost) PID namespace: 1 for the init of
// a container that owns its PID namespace.
long innermost_pid(const std::string& proc)
{
	std::ifstream status(proc + "/status");
	std::string line;
	while (std::getline(status, line)) {
		if (line.rfind("NSpid:", 0) != 0)
			continue;
		std::istringstream fields(line.substr(6));
		long pid = -1; // the last, innermost
		for (long v; fields >> v;)
			pid = v;
		return pid;
	}
	throw Error("no NSpid in " + proc + "/status");
}

} // namespace

Target resolve_target(pid_t pid)
{
	Target t;
	t.pid = pid;
	t.pidfd = pidfd_open(pid);
	if (!t.pidfd) {
		if (errno == ESRCH)
			throw Error("state pid " + std::to_string(pid) + " is not a live process");
		throw_errno("pidfd_open " + std::to_string(pid));
	}

	std::string proc = "/proc/" + std::to_string(pid);
	t.pidns_fd = open_ns(proc, "pid", t.pidns);
	t.mntns_fd = open_ns(proc, "mnt", t.mntns);
	// Where the PID namespace is not the container's own, the mount namespace
	// is what tells it apart: it must not be the host's either.
	bool owns_pidns = t.pidns != ns_inode("/proc/self", "pid") && innermost_pid(proc) == 1;
	if (!owns_pidns && t.mntns == ns_inode("/proc/self", "mnt"))
		throw Error("pid " + std::to_string(pid) +
			    " shares its PID and mount namespaces with the host: refusing to record the host");
	// The pidfd pins the process; checking it after the /proc reads proves
	// they were about this process and not a reused pid.
	if (has_exited(t.pidfd.get()))
		throw Error("state pid " + std::to_string(pid) + " exited while the hook looked at it");
	return t;
}
