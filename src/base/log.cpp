// SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
#include "base/log.h"

#include <fcntl.h>
#include <syslog.h>
#include <unistd.h>

#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <vector>

#include "base/error.h"
#include "base/fd.h"

namespace logging {
namespace {

UniqueFd log_fd;
bool to_stderr = true;
bool verbose_on = false;

// Messages carry annotation text, which anyone who can create a pod
// writes: every byte outside printable ASCII (a newline that would forge a
// log line, a terminal escape) and the backslash become \xNN.
std::string escaped(const std::string& msg)
{
	static const char hex[] = "0123456789abcdef";
	std::string out;
	out.reserve(msg.size());
	for (unsigned char c : msg) {
		if (c >= 0x20 && c < 0x7f && c != '\\') {
			out += static_cast<char>(c);
		} else {
			out += "\\x";
			out += hex[c >> 4];
			out += hex[c & 0xf];
		}
	}
	return out;
}

void emit(int priority, const char* level, const std::string& raw)
{
	std::string msg = escaped(raw);
	::syslog(priority, "%s", msg.c_str());
	if (to_stderr)
		(void)write_all(STDERR_FILENO, "oci-seccomp-recorder: " + msg + "\n"); // logging never fails the hook
	if (log_fd) {
		char stamp[32];
		std::time_t now = std::time(nullptr);
		std::tm tm{};
		std::strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", ::gmtime_r(&now, &tm));
		(void)write_all(log_fd.get(), std::string(stamp) + "Z [" + std::to_string(::getpid()) + "] " +
						level + ": " + msg + "\n");
	}
}

} // namespace

void open(const std::string& log_file)
{
	::openlog("oci-seccomp-recorder", LOG_PID, LOG_DAEMON);
	if (log_file.empty())
		return;
	int fd = ::open(log_file.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		throw_errno("open log file " + log_file);
	log_fd.reset(fd);
}

void detach_stderr() { to_stderr = false; }

void close_other_fds()
{
	std::vector<int> fds;
	std::error_code err;
	for (const auto& entry : std::filesystem::directory_iterator("/proc/self/fd", err)) {
		int fd = std::atoi(entry.path().filename().c_str());
		if (fd > STDERR_FILENO && fd != log_fd.get())
			fds.push_back(fd);
	}
	for (int fd : fds) // the directory's own descriptor is gone by now: EBADF
		::close(fd);
}

void set_verbose(bool on) { verbose_on = on; }
bool verbose() { return verbose_on; }

void debug(const std::string& msg)
{
	if (verbose_on)
		emit(LOG_DEBUG, "debug", msg);
}
void info(const std::string& msg) { emit(LOG_INFO, "info", msg); }
void warn(const std::string& msg) { emit(LOG_WARNING, "warning", msg); }
void error(const std::string& msg) { emit(LOG_ERR, "error", msg); }

} // namespace logging
