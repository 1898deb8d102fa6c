// SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
#include "base/file_lock.h"

#include <fcntl.h>
#include <sys/stat.h>

#include <cerrno>
#include <functional>

#include "base/error.h"

off_t FileLock::offset_of(dev_t dev, ino_t ino, const std::string& name)
{
	std::string key = std::to_string(dev) + ":" + std::to_string(ino) + "/" + name;
	// Below 2^62: an offset plus the length must stay within off_t.
	return static_cast<off_t>(std::hash<std::string>{}(key) & ((1ULL << 62) - 1));
}

FileLock::FileLock(const std::string& lock_file, int dir_fd, const std::string& name)
{
	struct stat dir;
	if (::fstat(dir_fd, &dir) < 0)
		throw_errno("stat directory of " + name);
	int fd = ::open(lock_file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		throw_errno("open lock " + lock_file);
	fd_.reset(fd);
	struct flock lock = {};
	lock.l_type = F_WRLCK;
	lock.l_whence = SEEK_SET;
	lock.l_start = offset_of(dir.st_dev, dir.st_ino, name);
	lock.l_len = 1;
	while (::fcntl(fd, F_OFD_SETLKW, &lock) < 0)
		if (errno != EINTR)
			throw_errno("lock " + lock_file + " for " + name);
}
