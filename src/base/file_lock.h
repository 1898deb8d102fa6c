// SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
// One lock per written file: the writers of a file take turns, writers of
// different files never wait for each other.
#pragma once

#include <string>

#include "base/fd.h"

// The lock for writing the file `name` in the directory `dir_fd`, held while
// this lives. Every file's turns are one byte of the node-wide `lock_file`
// (an open file description lock, F_OFD_SETLKW), at an offset hashed from
// the directory's device and inode and the name: no lock file is made per
// profile, and two files that share a byte only wait for each other.
class FileLock {
public:
	// Waits as long as it takes: the kernel queues the waiters.
	FileLock(const std::string& lock_file, int dir_fd, const std::string& name);
	FileLock(FileLock&&) = default;
	FileLock& operator=(FileLock&&) = default;

	// The byte of the lock file that stands for `name` in the directory of
	// device `dev` and inode `ino` (a hash; exposed for tests).
	static off_t offset_of(dev_t dev, ino_t ino, const std::string& name);

private:
	UniqueFd fd_; // its own open file description: closing it lets go
};
