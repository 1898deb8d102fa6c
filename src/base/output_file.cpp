// SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
#include "base/output_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <random>

#include "base/error.h"

OutputFile::OutputFile(UniqueFd dir, std::string name, std::string display, std::optional<UserIds> owner)
	: dir_(std::move(dir)), name_(std::move(name)), display_(std::move(display)), owner_(owner)
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
	ActingUser as(owner_);
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
	ActingUser as(owner_);
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
	ActingUser as(owner_);
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

