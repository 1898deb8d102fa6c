// SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
#include "base/acting_user.h"

#include <grp.h>
#include <sys/fsuid.h>
#include <unistd.h>

#include "base/error.h"

namespace {

// setfsuid and setfsgid return the previous id, never an error: the id now
// is what a call that changes nothing (-1) returns.
uid_t fsuid_now() { return static_cast<uid_t>(::setfsuid(static_cast<uid_t>(-1))); }
gid_t fsgid_now() { return static_cast<gid_t>(::setfsgid(static_cast<gid_t>(-1))); }

} // namespace

ActingUser::ActingUser(const std::optional<UserIds>& who)
{
	if (!who)
		return;
	int n = ::getgroups(0, nullptr);
	if (n < 0)
		throw_errno("read supplementary groups");
	groups_.resize(static_cast<size_t>(n));
	if (n > 0 && ::getgroups(n, groups_.data()) < 0)
		throw_errno("read supplementary groups");
	fsuid_ = fsuid_now();
	fsgid_ = fsgid_now();
	// Groups first: root's groups must not open what the caller's do not.
	if (::setgroups(1, &who->gid) < 0)
		throw_errno("take on the groups of uid " + std::to_string(who->uid));
	active_ = true;
	::setfsgid(who->gid);
	::setfsuid(who->uid);
	if (fsuid_now() != who->uid || fsgid_now() != who->gid) {
		restore();
		throw Error("act on files as uid " + std::to_string(who->uid) + ": the kernel refused");
	}
}

ActingUser::~ActingUser() { restore(); }

void ActingUser::restore()
{
	if (!active_)
		return;
	active_ = false;
	// Back to uid 0 also gives back the file capabilities the change dropped.
	::setfsuid(fsuid_);
	::setfsgid(fsgid_);
	(void)::setgroups(groups_.size(), groups_.data());
}
