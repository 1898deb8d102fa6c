// SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
// A file the recorder writes (profile, report, recording info, a bundle's
// config.json): replaced atomically, named for good by its identity, and
// locked per file by its writers. Owns nothing but descriptors; calls only
// base.
#pragma once

#include <sys/stat.h>
#include <sys/types.h>

#include <cstddef>
#include <initializer_list>
#include <optional>
#include <string>

#include "base/acting_user.h"
#include "base/fd.h"
#include "base/file_lock.h"

// One version of a file, held open: its inode number cannot go to another
// file while this lives, so "is the file still this one" is exact, where a
// modification time compared with a clock is not.
class FileVersion {
public:
	explicit FileVersion(UniqueFd fd);
	bool is(const struct stat& st) const { return st.st_dev == dev_ && st.st_ino == ino_; }

private:
	UniqueFd fd_;
	dev_t dev_ = 0;
	ino_t ino_ = 0;
};

// Where a file will be written: an open directory and a name in it.
class OutputFile {
public:
	// With `owner`, the file is read and written as that user (ActingUser).
	OutputFile(UniqueFd dir, std::string name, std::string display, std::optional<UserIds> owner = std::nullopt);
	// Temp file in the same directory, fsync, rename over the name, fsync the
	// directory: readers see the old file or the whole new one.
	// Returns the version written.
	FileVersion write_atomically(const std::string& data, mode_t mode = 0644) const;
	// This file's writer lock (see FileLock), taken in `lock_file`: a read,
	// merge and replace of it happen as one.
	FileLock lock(const std::string& lock_file) const;
	// The file's version now; none if there is no file.
	std::optional<FileVersion> version() const;
	// What the file holds, unless it is missing or one of the `known`
	// versions (null entries are skipped).
	std::optional<std::string> read_unless(std::initializer_list<const FileVersion*> known, size_t max_bytes) const;
	const std::string& display() const { return display_; }

private:
	UniqueFd dir_;
	std::string name_;
	std::string display_;
	std::optional<UserIds> owner_;
};

