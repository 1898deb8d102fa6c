// SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
#include "profile/profile_dir.h"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <climits>

#include "base/error.h"
#include "base/path.h"

ProfileDir::ProfileDir(std::string path) : path_(std::move(path))
{
	while (path_.size() > 1 && path_.back() == '/')
		path_.pop_back();
	if (path_.empty() || path_[0] != '/')
		throw Error("profile dir " + path_ + " is not an absolute path");
	if (::mkdir(path_.c_str(), 0700) < 0 && errno != EEXIST)
		throw_errno("create profile dir " + path_);
	int fd = ::open(path_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		throw_errno("open profile dir " + path_);
	fd_.reset(fd);
}

ProfileDir::ProfileDir(std::string path, UniqueFd fd, std::optional<UserIds> owner)
	: path_(std::move(path)), fd_(std::move(fd)), owner_(owner)
{
}

ProfileDir::ProfileDir(UniqueFd dir, UserIds owner) : fd_(std::move(dir)), owner_(owner)
{
	struct stat st;
	if (::fstat(fd_.get(), &st) < 0)
		throw_errno("stat the profile dir handed over");
	if (!S_ISDIR(st.st_mode))
		throw Error("the profile dir handed over is " + describe_type(st.st_mode) + ", not a directory");
	// Where the kernel says it is: for logs and reports, never opened.
	char link[PATH_MAX];
	ssize_t n = ::readlink(("/proc/self/fd/" + std::to_string(fd_.get())).c_str(), link, sizeof(link) - 1);
	if (n <= 0 || link[0] != '/')
		throw Error("the profile dir handed over has no path");
	path_.assign(link, static_cast<size_t>(n));
}

ProfileDir ProfileDir::subdir(const std::string& name) const
{
	std::string path = path_ + "/" + name;
	ActingUser as(owner_);
	if (::mkdirat(fd_.get(), name.c_str(), 0700) < 0 && errno != EEXIST)
		throw_errno("create profile dir " + path);
	UniqueFd fd(::openat(fd_.get(), name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
	if (!fd)
		throw_errno("open profile dir " + path);
	return ProfileDir(std::move(path), std::move(fd), owner_);
}

std::string ProfileDir::relative(const std::string& annotated) const
{
	if (annotated.size() >= PATH_MAX)
		throw Error("profile path is longer than PATH_MAX");
	std::string rel = annotated;
	if (!rel.empty() && rel[0] == '/') {
		std::string prefix = path_ + "/";
		if (rel.compare(0, prefix.size(), prefix) != 0)
			throw Error("profile path " + annotated + " is outside the profile dir " + path_);
		rel.erase(0, prefix.size());
	}
	size_t start = 0;
	for (;;) {
		size_t end = rel.find('/', start);
		std::string part = rel.substr(start, end == std::string::npos ? end : end - start);
		if (part.empty() || part == "." || part == "..")
			throw Error("profile path " + annotated + " has an empty, '.' or '..' component");
		if (part.size() > NAME_MAX)
			throw Error("profile path " + annotated + " has a name longer than NAME_MAX");
		// What lands in file names, log lines and collection scripts.
		auto safe = [](char c) {
			return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
			       c == '_' || c == '-';
		};
		if (!std::all_of(part.begin(), part.end(), safe))
			throw Error("profile path " + annotated + " has a character other than A-Z a-z 0-9 . _ -");
		if (end == std::string::npos)
			break;
		start = end + 1;
	}
	return rel;
}

UniqueFd ProfileDir::open_beneath(const std::string& rel, int flags) const
{
	struct open_how how = {};
	// RESOLVE_NO_SYMLINKS refuses a symlink in any component, the last one
	// included, with ELOOP.
	how.flags = static_cast<__u64>(flags | O_CLOEXEC);
	how.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS;
	ActingUser as(owner_);
	long fd = ::syscall(SYS_openat2, fd_.get(), rel.c_str(), &how, sizeof(how));
	if (fd < 0) {
		int err = errno;
		std::string what = path_ + "/" + rel;
		if (err == ENOSYS)
			throw Error("open " + what + ": openat2 is not supported by this kernel (Linux 5.6 or later needed)");
		if (err == ELOOP)
			throw Error("open " + what + ": path goes through a symlink");
		if (err == EXDEV)
			throw Error("open " + what + ": path escapes the profile dir");
		throw_errno("open " + what, err);
	}
	return UniqueFd(static_cast<int>(fd));
}

std::string ProfileDir::read(const std::string& annotated, size_t max_bytes) const
{
	std::string rel = relative(annotated);
	std::string what = path_ + "/" + rel;
	// O_NONBLOCK: a FIFO planted here must not hang the hook before the check.
	UniqueFd fd = open_beneath(rel, O_RDONLY | O_NONBLOCK | O_NOCTTY);
	struct stat st;
	if (::fstat(fd.get(), &st) < 0)
		throw_errno("stat " + what);
	if (!S_ISREG(st.st_mode))
		throw Error(what + " is " + describe_type(st.st_mode));
	return read_regular(fd.get(), st, max_bytes, what);
}

OutputFile ProfileDir::output(const std::string& annotated) const
{
	std::string rel = relative(annotated);
	auto [parent, name] = split_path(rel);
	UniqueFd dir = open_beneath(parent, O_RDONLY | O_DIRECTORY);
	std::string display = path_ + "/" + rel;
	ActingUser as(owner_);
	// Now, not when the recording ends: a caller of the service learns at
	// once that it may not write there (AT_EACCESS: as the acting user).
	if (owner_ && ::faccessat(dir.get(), ".", W_OK, AT_EACCESS) < 0)
		throw_errno("write in " + split_path(display).dir);
	struct stat st;
	if (::fstatat(dir.get(), name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0) {
		if (!S_ISREG(st.st_mode))
			throw Error("output profile " + display + " exists and is " + describe_type(st.st_mode));
	} else if (errno != ENOENT) {
		throw_errno("stat " + display);
	}
	return OutputFile(std::move(dir), std::move(name), std::move(display), owner_);
}

std::string beside(std::string profile, std::string_view suffix)
{
	if (profile.ends_with(".json"))
		profile.resize(profile.size() - 5);
	return profile + std::string(suffix);
}
