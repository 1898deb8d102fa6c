// SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
#include "node_lock.h"

#include <fcntl.h>

#include <string>

#include "error.h"

namespace {

constexpr const char* kLockPath = "/run/oci-seccomp-recorder.lock";

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
