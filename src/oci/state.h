// SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
// The OCI state the runtime passes to a hook on stdin.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <map>
#include <string>
#include <string_view>

struct State {
	std::string id;
	pid_t pid = 0;
	std::string bundle;
	std::map<std::string, std::string> annotations;
};

// A real state is a few KiB; anything past this is refused unread.
inline constexpr size_t kMaxStateBytes = 1 << 20;

State parse_state(std::string_view json);
