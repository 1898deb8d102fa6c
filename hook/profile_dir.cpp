// SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
#include "profile_dir.h"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <climits>
#include <random>

#include "error.h"
#include "path.h"

namespace {

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
	return "not a regular file";
}

// A regular file's contents, at most max_bytes of them.
std::string read_regular(int fd, const struct stat& st, size_t max_bytes, const std::string& what)
{
	if (static_cast<size_t>(st.st_size) > max_bytes) // refused before a byte is read
		throw Error(what + " is larger than " + std::to_string(max_bytes) + " bytes");
	return read_capped(fd, max_bytes, what);
}

} // namespace

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

ProfileDir::ProfileDir(std::string path, UniqueFd fd) : path_(std::move(path)), fd_(std::move(fd)) {}

ProfileDir ProfileDir::subdir(const std::string& name) const
{
	std::string path = path_ + "/" + name;
	if (::mkdirat(fd_.get(), name.c_str(), 0700) < 0 && errno != EEXIST)
		throw_errno("create profile dir " + path);
	UniqueFd fd(::openat(fd_.get(), name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
	if (!fd)
		throw_errno("open profile dir " + path);
	return ProfileDir(std::move(path), std::move(fd));
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
	struct stat st;
	if (::fstatat(dir.get(), name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0) {
		if (!S_ISREG(st.st_mode))
			throw Error("output profile " + display + " exists and is " + describe_type(st.st_mode));
	} else if (errno != ENOENT) {
		throw_errno("stat " + display);
	}
	return OutputFile(std::move(dir), std::move(name), std::move(display));
}

OutputFile::OutputFile(UniqueFd dir, std::string name, std::string display)
	: dir_(std::move(dir)), name_(std::move(name)), display_(std::move(display))
{
}

FileVersion::FileVersion(UniqueFd fd) : fd_(std::move(fd))
{
	struct stat st;
	if (::fstat(fd_.get(), &st) < 0)
		throw_errno("stat file version");
	dev_ = st.st_dev;
	ino_ = st.st_ino;
}

FileVersion OutputFile::write_atomically(const std::string& data, mode_t mode) const
{
	std::string tmp = ".oci-seccomp-recorder." + std::to_string(::getpid()) + "." +
			  std::to_string(std::random_device{}()) + ".tmp";
	int raw = ::openat(dir_.get(), tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
	if (raw < 0)
		throw_errno("create temp file for " + display_);
	UniqueFd fd(raw);
	try {
		if (::fchmod(fd.get(), mode) < 0) // whatever the umask
			throw_errno("chmod temp file for " + display_);
		if (!write_all(fd.get(), data))
			throw_errno("write temp file for " + display_);
		if (::fsync(fd.get()) < 0)
			throw_errno("fsync temp file for " + display_);
		if (::renameat(dir_.get(), tmp.c_str(), dir_.get(), name_.c_str()) < 0)
			throw_errno("rename temp file to " + display_);
	} catch (...) {
		::unlinkat(dir_.get(), tmp.c_str(), 0);
		throw;
	}
	if (::fsync(dir_.get()) < 0)
		throw_errno("fsync directory of " + display_);
	return FileVersion(std::move(fd));
}

FileLock OutputFile::lock(const std::string& lock_file) const
{
	return FileLock(lock_file, dir_.get(), name_);
}

std::optional<FileVersion> OutputFile::version() const
{
	UniqueFd fd(::openat(dir_.get(), name_.c_str(), O_PATH | O_NOFOLLOW | O_CLOEXEC));
	if (!fd) {
		if (errno == ENOENT)
			return std::nullopt;
		throw_errno("open " + display_);
	}
	return FileVersion(std::move(fd));
}

std::optional<std::string> OutputFile::read_unless(std::initializer_list<const FileVersion*> known,
						    size_t max_bytes) const
{
	UniqueFd fd(::openat(dir_.get(), name_.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC));
	if (!fd) {
		if (errno == ENOENT)
			return std::nullopt;
		throw_errno("open " + display_);
	}
	struct stat st;
	if (::fstat(fd.get(), &st) < 0)
		throw_errno("stat " + display_);
	if (!S_ISREG(st.st_mode))
		return std::nullopt;
	for (const FileVersion* version : known)
		if (version && version->is(st))
			return std::nullopt;
	return read_regular(fd.get(), st, max_bytes, display_);
}

std::string beside(std::string profile, std::string_view suffix)
{
	if (profile.ends_with(".json"))
		profile.resize(profile.size() - 5);
	return profile + std::string(suffix);
}
