// SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
#include "trusted_dir.h"

#include <fcntl.h>
#include <sys/stat.h>

#include "error.h"
#include "fd.h"

void require_trusted_dir(const std::string& path, bool sticky_ok)
{
	UniqueFd fd(::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
	if (!fd)
		throw_errno("open " + path);
	struct stat st;
	if (::fstat(fd.get(), &st) < 0)
		throw_errno("stat " + path);
	if (st.st_uid != 0)
		throw Error(path + " is owned by uid " + std::to_string(st.st_uid) + ", not root: refusing to trust it");
	if ((st.st_mode & (S_IWGRP | S_IWOTH)) && !(sticky_ok && (st.st_mode & S_ISVTX)))
		throw Error(path + " is writable by group or others: refusing to trust it");
}
