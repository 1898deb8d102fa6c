// SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
// The one directory profiles are read from and written to. Paths come from an
// annotation anyone who can create a pod may write: each is resolved below
// this directory with openat2 and never through a symlink.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "base/acting_user.h"
#include "base/fd.h"
#include "base/output_file.h"

// A file beside a profile: myapp.json -> myapp + suffix.
std::string beside(std::string profile, std::string_view suffix);

class ProfileDir {
public:
	// Opens `path`, creating it (mode 0700) when it does not exist yet.
	explicit ProfileDir(std::string path);
	// A directory a caller of the recording service opened and handed over:
	// everything below it is reached as `owner` (ActingUser), and a file is
	// refused unless `owner` may write it.
	ProfileDir(UniqueFd dir, UserIds owner);

	// The contents of an existing regular file, at most max_bytes.
	std::string read(const std::string& annotated, size_t max_bytes) const;
	// A place to write; refused if the name exists as anything but a file.
	OutputFile output(const std::string& annotated) const;
	// The subdirectory `name` (a tenant's), created 0700 if missing, never
	// through a symlink.
	ProfileDir subdir(const std::string& name) const;

private:
	ProfileDir(std::string path, UniqueFd fd, std::optional<UserIds> owner);
	// The annotated path relative to this directory, checked lexically.
	std::string relative(const std::string& annotated) const;
	UniqueFd open_beneath(const std::string& rel, int flags) const;

	std::string path_;
	UniqueFd fd_;
	std::optional<UserIds> owner_;
};
