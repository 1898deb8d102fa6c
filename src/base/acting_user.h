// SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
// Acting on files as another user: the recording service reads and writes a
// caller's profiles with the caller's rights (its filesystem uid and gid, and
// no other group), so the kernel, not a check of ours, decides what the
// caller may reach; and what is created is the caller's.
#pragma once

#include <sys/types.h>

#include <optional>
#include <vector>

struct UserIds {
	uid_t uid;
	gid_t gid;
	bool operator==(const UserIds&) const = default;
};

// For its lifetime, file access is checked as `who` (nothing changes if it
// is empty); back to our own after. Single-threaded processes only: the
// group list is the process's.
class ActingUser {
public:
	explicit ActingUser(const std::optional<UserIds>& who);
	~ActingUser();
	ActingUser(const ActingUser&) = delete;
	ActingUser& operator=(const ActingUser&) = delete;

private:
	void restore();

	bool active_ = false;
	uid_t fsuid_ = 0;
	gid_t fsgid_ = 0;
	std::vector<gid_t> groups_;
};
