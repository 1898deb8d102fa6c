// SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
// Signals read from a descriptor, so that a poll loop takes them in turn
// with everything else.
#pragma once

#include <signal.h>
#include <sys/signalfd.h>

#include <initializer_list>

#include "base/error.h"
#include "base/fd.h"

// Blocks `signals` and returns a signalfd that reads them.
inline UniqueFd block_into_signalfd(std::initializer_list<int> signals)
{
	sigset_t set;
	sigemptyset(&set);
	for (int sig : signals)
		sigaddset(&set, sig);
	if (::sigprocmask(SIG_BLOCK, &set, nullptr) < 0)
		throw_errno("block signals");
	UniqueFd fd(::signalfd(-1, &set, SFD_CLOEXEC));
	if (!fd)
		throw_errno("create signalfd");
	return fd;
}
