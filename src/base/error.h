// SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
// Errors the hook reports as one line: "what: reason".
#pragma once

#include <cerrno>
#include <stdexcept>
#include <string>
#include <system_error>

// Bad input or a refused request.
class Error : public std::runtime_error {
	using std::runtime_error::runtime_error;
};

// A failed system call; `what` says what was being done to what.
[[noreturn]] inline void throw_errno(const std::string& what, int err = errno)
{
	throw std::system_error(err, std::generic_category(), what);
}
