// SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
#include "fd.h"

#include "error.h"

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
