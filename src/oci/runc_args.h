// SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
// A runc command line as the wrapper needs it: which bundle a create or run
// makes a container from, and where runc is told to log (containerd reads a
// failed create's reason from that log, not from stderr).
#pragma once

#include <optional>
#include <string>
#include <vector>

struct RuncArgs {
	// create and run: --bundle DIR, --bundle=DIR, -b DIR, -b=DIR, else the
	// working directory ("."). None for every other command.
	std::optional<std::string> bundle;
	std::string log_path;   // --log, empty if not given
	std::string log_format; // --log-format: text (runc's default) or json
};

RuncArgs parse_runc_args(const std::vector<std::string>& args);

// Appends `message` at error level to the log the command line names, in
// its format, as runc would log it; does nothing if it names none.
void log_runc_error(const RuncArgs& args, const std::string& message);
