// SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
#include "base/trusted_dir.h"

#include <fcntl.h>
#include <sys/stat.h>

#include "base/error.h"
#include "base/fd.h"

namespace {

// What `path`, opened with `flags` (never following a symlink), is; throws
// unless root owns it and only root may write it (or, with `sticky_ok`, it
// is sticky).
struct stat require_root_only(const std::string& path, int flags, bool sticky_ok)
{
	UniqueFd fd(::open(path.c_str(), flags | O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
	if (!fd)
		throw_errno("open " + path);
	struct stat st;
	if (::fstat(fd.get(), &st) < 0)
		throw_errno("stat " + path);
	if (st.st_uid != 0)
		throw Error(path + " is owned by uid " + std::to_string(st.st_uid) + ", not root: refusing to trust it");
	if ((st.st_mode & (S_IWGRP | S_IWOTH)) && !(sticky_ok && (st.st_mode & S_ISVTX)))
		throw Error(path + " is writable by group or others: refusing to trust it");
	return st;
}

} // namespace

void require_trusted_dir(const std::string& path, bool sticky_ok)
{
	require_root_only(path, O_DIRECTORY, sticky_ok);
}

void require_trusted_file(const std::string& path)
{
	if (!S_ISREG(require_root_only(path, 0, false).st_mode))
		throw Error(path + " is not a regular file: refusing to trust it");
}
