// SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
#include "base/proc_stat.h"

#include <poll.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <climits>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>

#include "base/error.h"

std::optional<ProcStat> parse_proc_stat(std::string_view line)
{
	size_t paren = line.rfind(')');
	if (paren == std::string_view::npos || paren + 2 > line.size())
		return std::nullopt;
	std::string_view rest = line.substr(paren + 2); // field 3 on, after "pid (comm) "
	ProcStat ps = {};
	for (int field = 3; field <= 22; ++field) {
		size_t end = rest.find(' ');
		std::string_view value = rest.substr(0, end);
		if (value.empty())
			return std::nullopt;
		if (field == 3) {
			ps.state = value[0];
		} else if (field == 4) {
			auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), ps.ppid);
			if (ec != std::errc() || ptr != value.data() + value.size())
				return std::nullopt;
		} else if (field == 22) {
			auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), ps.start);
			if (ec != std::errc() || ptr != value.data() + value.size())
				return std::nullopt;
			return ps;
		}
		if (end == std::string_view::npos)
			return std::nullopt;
		rest.remove_prefix(end + 1);
	}
	return std::nullopt;
}

std::optional<ProcStat> proc_stat(pid_t pid)
{
	std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
	std::string line((std::istreambuf_iterator<char>(in)), {});
	return parse_proc_stat(line);
}

std::optional<std::array<uid_t, 4>> parse_status_uids(std::string_view status)
{
	std::istringstream in{std::string(status)};
	std::string line;
	while (std::getline(in, line)) {
		if (line.rfind("Uid:", 0) != 0)
			continue;
		std::istringstream fields(line.substr(4));
		std::array<uid_t, 4> uids;
		for (uid_t& uid : uids)
			if (!(fields >> uid))
				return std::nullopt;
		return uids;
	}
	return std::nullopt;
}

std::optional<std::array<uid_t, 4>> proc_uids(pid_t pid)
{
	std::ifstream in("/proc/" + std::to_string(pid) + "/status");
	std::string text((std::istreambuf_iterator<char>(in)), {});
	return parse_status_uids(text);
}

bool process_alive(pid_t pid, uint64_t start)
{
	std::optional<ProcStat> ps = proc_stat(pid);
	return ps && ps->state != 'Z' && ps->state != 'X' && ps->start == start;
}

UniqueFd pidfd_open(pid_t pid)
{
	return UniqueFd(static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)));
}

std::optional<UniqueFd> open_process(pid_t pid, uint64_t start)
{
	UniqueFd fd = pidfd_open(pid);
	if (!fd) {
		if (errno == ESRCH)
			return std::nullopt;
		throw_errno("pidfd_open " + std::to_string(pid));
	}
	// Checked after the open: the pidfd then names the process that had this
	// start time, not one that took its pid between the check and the open.
	if (!process_alive(pid, start))
		return std::nullopt;
	return fd;
}

bool has_exited(int pidfd)
{
	return wait_exited(pidfd, std::chrono::milliseconds(0));
}

bool wait_exited(int pidfd, std::chrono::milliseconds timeout)
{
	auto deadline = std::chrono::steady_clock::now() + timeout;
	for (;;) {
		auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
		struct pollfd p = {pidfd, POLLIN, 0};
		int n = ::poll(&p, 1, static_cast<int>(std::clamp<long long>(left.count(), 0, INT_MAX)));
		if (n > 0)
			return true;
		if (n < 0 && errno != EINTR)
			throw_errno("poll pidfd");
		if (std::chrono::steady_clock::now() >= deadline)
			return false;
	}
}

bool is_initial_uid_map(std::string_view uid_map)
{
	std::istringstream in{std::string(uid_map)};
	std::string inside, outside, count, more;
	return (in >> inside >> outside >> count) && !(in >> more) && inside == "0" && outside == "0" &&
	       count == "4294967295";
}

bool in_initial_user_namespace()
{
	std::ifstream in("/proc/self/uid_map");
	std::string map((std::istreambuf_iterator<char>(in)), {});
	return is_initial_uid_map(map);
}

bool node_root()
{
	return ::geteuid() == 0 && in_initial_user_namespace();
}
