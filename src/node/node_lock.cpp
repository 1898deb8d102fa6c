// SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
#include "node/node_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <string>

#include "base/error.h"

namespace {

constexpr const char* kLockPath = "/run/oci-seccomp-recorder.lock";

// flock(LOCK_EX) for at most `wait`, or as long as it takes (the kernel
// queues the waiters) if that is milliseconds::max(); flock itself has no
// timeout, so a bounded wait polls (holders keep the lock for
// milliseconds). False, with errno set, if it failed; EWOULDBLOCK if the
// wait ran out.
bool lock_within(int fd, std::chrono::milliseconds wait)
{
	if (wait == std::chrono::milliseconds::max()) {
		while (::flock(fd, LOCK_EX) < 0)
			if (errno != EINTR)
				return false;
		return true;
	}
	auto deadline = std::chrono::steady_clock::now() + wait;
	while (::flock(fd, LOCK_EX | LOCK_NB) < 0) {
		if (errno != EWOULDBLOCK && errno != EINTR)
			return false;
		if (std::chrono::steady_clock::now() >= deadline) {
			errno = EWOULDBLOCK;
			return false;
		}
		::usleep(2000);
	}
	return true;
}

} // namespace

NodeLock::NodeLock(std::chrono::milliseconds wait)
{
	int fd = ::open(kLockPath, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		throw_errno(std::string("open lock ") + kLockPath);
	fd_.reset(fd);
	if (lock_within(fd, wait))
		return;
	if (errno == EWOULDBLOCK)
		throw Error(std::string(kLockPath) + " is held by another process for more than " +
			    std::to_string(wait.count()) + " ms");
	throw_errno(std::string("lock ") + kLockPath);
}
