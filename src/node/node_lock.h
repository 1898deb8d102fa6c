// SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
// The lock every change to the node's recorder state happens under.
#pragma once

#include <chrono>

#include "base/fd.h"

// An exclusive lock on the node's recorder state, held while it lives.
class NodeLock {
public:
	// Waits at most `wait` for a holder to let go: a stuck one must not hang
	// a container's start. milliseconds::max(): as long as it takes.
	explicit NodeLock(std::chrono::milliseconds wait);

private:
	UniqueFd fd_;
};
