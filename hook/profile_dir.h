// SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
// The one directory profiles are read from and written to. Paths come from an
// annotation anyone who can create a pod may write: each is resolved below
// this directory with openat2 and never through a symlink.
#pragma once

#include <sys/stat.h>
#include <sys/types.h>

#include <cstddef>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include "fd.h"
#include "file_lock.h"

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

// Where a profile will be written: a directory below the profile dir and a
// name in it.
class OutputFile {
public:
	OutputFile(UniqueFd dir, std::string name, std::string display);
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
};

// A file beside a profile: myapp.json -> myapp + suffix.
std::string beside(std::string profile, std::string_view suffix);

class ProfileDir {
public:
	// Opens `path`, creating it (mode 0700) when it does not exist yet.
	explicit ProfileDir(std::string path);

	// The contents of an existing regular file, at most max_bytes.
	std::string read(const std::string& annotated, size_t max_bytes) const;
	// A place to write; refused if the name exists as anything but a file.
	OutputFile output(const std::string& annotated) const;
	// The subdirectory `name` (a tenant's), created 0700 if missing, never
	// through a symlink.
	ProfileDir subdir(const std::string& name) const;

private:
	ProfileDir(std::string path, UniqueFd fd);
	// The annotated path relative to this directory, checked lexically.
	std::string relative(const std::string& annotated) const;
	UniqueFd open_beneath(const std::string& rel, int flags) const;

	std::string path_;
	UniqueFd fd_;
};
