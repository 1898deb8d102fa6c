// SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
// Owning file descriptor, and reading and writing all of a buffer.
#pragma once

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <string>
#include <string_view>
#include <utility>

class UniqueFd {
public:
	UniqueFd() = default;
	explicit UniqueFd(int fd) : fd_(fd) {}
	UniqueFd(UniqueFd&& other) noexcept : fd_(other.release()) {}
	UniqueFd& operator=(UniqueFd&& other) noexcept
	{
		reset(other.release());
		return *this;
	}
	UniqueFd(const UniqueFd&) = delete;
	UniqueFd& operator=(const UniqueFd&) = delete;
	~UniqueFd() { reset(); }

	int get() const { return fd_; }
	explicit operator bool() const { return fd_ >= 0; }
	int release() { return std::exchange(fd_, -1); }
	void reset(int fd = -1)
	{
		if (fd_ >= 0)
			::close(fd_);
		fd_ = fd;
	}

private:
	int fd_ = -1;
};

// Writes all of `data`, through short writes and EINTR. False, with errno
// set, if the fd takes no more.
inline bool write_all(int fd, std::string_view data)
{
	while (!data.empty()) {
		ssize_t n = ::write(fd, data.data(), data.size());
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == 0)
				errno = EIO;
			return false;
		}
		data.remove_prefix(static_cast<size_t>(n));
	}
	return true;
}

// All of fd up to its end, refusing more than `max_bytes` ("WHAT is larger
// than N bytes") before it holds more than one chunk past them. Throws on a
// read error ("read WHAT: ...").
std::string read_capped(int fd, size_t max_bytes, const std::string& what);
// A regular file's contents (`st` its fstat), at most `max_bytes`: a larger
// one is refused before a byte is read.
std::string read_regular(int fd, const struct stat& st, size_t max_bytes, const std::string& what);
// What a file of this mode is, for an error: "a directory", "a symlink"...
std::string describe_type(mode_t mode);
