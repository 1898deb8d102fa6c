// SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
#include "base/fd.h"

#include "base/error.h"

std::string read_capped(int fd, size_t max_bytes, const std::string& what)
{
	std::string data;
	char chunk[65536];
	for (;;) {
		ssize_t n = ::read(fd, chunk, sizeof(chunk));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			throw_errno("read " + what);
		if (n == 0)
			return data;
		data.append(chunk, static_cast<size_t>(n));
		if (data.size() > max_bytes)
			throw Error(what + " is larger than " + std::to_string(max_bytes) + " bytes");
	}
}

std::string read_regular(int fd, const struct stat& st, size_t max_bytes, const std::string& what)
{
	if (static_cast<size_t>(st.st_size) > max_bytes)
		throw Error(what + " is larger than " + std::to_string(max_bytes) + " bytes");
	return read_capped(fd, max_bytes, what);
}

std::string describe_type(mode_t mode)
{
	if (S_ISDIR(mode))
		return "a directory";
	if (S_ISLNK(mode))
		return "a symlink";
	if (S_ISFIFO(mode))
		return "a FIFO";
	if (S_ISCHR(mode) || S_ISBLK(mode))
		return "a device";
	if (S_ISSOCK(mode))
		return "a socket";
	if (S_ISREG(mode))
		return "a regular file";
	return "not a regular file";
}
