// SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
// Logging for the hook and its tracing child: stderr while the runtime is
// listening, always syslog, and a log file when the operator names one
// (nodes often run no syslog daemon).
#pragma once

#include <string>

namespace logging {

void open(const std::string& log_file);
// The tracing child gives up its stderr (the runtime's pipe) and logs on.
void detach_stderr();
// Closes every descriptor but stdio and the log file's: a process that
// lives on keeps nothing it inherited.
void close_other_fds();
// With it on, debug() lines are logged too (--verbose).
void set_verbose(bool on);
bool verbose();
void debug(const std::string& msg);
void info(const std::string& msg);
void warn(const std::string& msg);
void error(const std::string& msg);

} // namespace logging
