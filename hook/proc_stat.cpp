// SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
#include "proc_stat.h"

#include <charconv>
#include <fstream>
#include <iterator>
#include <string>

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

bool process_alive(pid_t pid, uint64_t start)
{
	std::optional<ProcStat> ps = proc_stat(pid);
	return ps && ps->state != 'Z' && ps->state != 'X' && ps->start == start;
}
