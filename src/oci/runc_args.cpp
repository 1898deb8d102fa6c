// SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
#include "oci/runc_args.h"

#include <fcntl.h>

#include <ctime>
#include <nlohmann/json.hpp>
#include <set>

#include "base/fd.h"

namespace {

// runc's options that take a value, global and of create/run (runc 1.1).
const std::set<std::string> kGlobalWithValue = {"--root", "--log", "--log-format", "--criu", "--rootless"};
const std::set<std::string> kCreateWithValue = {"--bundle", "-b", "--console-socket", "--pid-file", "--preserve-fds"};

// "--name=value" -> ("--name", "value"); "--name" -> ("--name", none)
std::pair<std::string, std::optional<std::string>> split_option(const std::string& arg)
{
	size_t eq = arg.find('=');
	if (eq == std::string::npos)
		return {arg, std::nullopt};
	return {arg.substr(0, eq), arg.substr(eq + 1)};
}

// The option's value: inline, or the next argument (and `i` moves past it).
std::optional<std::string> value_of(const std::vector<std::string>& args, size_t& i)
{
	auto [name, inline_value] = split_option(args[i]);
	if (inline_value)
		return inline_value;
	if (i + 1 < args.size())
		return args[++i];
	return std::nullopt;
}

} // namespace

RuncArgs parse_runc_args(const std::vector<std::string>& args)
{
	RuncArgs out;
	out.log_format = "text";
	size_t i = 1;
	for (; i < args.size() && args[i].starts_with("-"); ++i) {
		std::string name = split_option(args[i]).first;
		if (!kGlobalWithValue.count(name))
			continue;
		std::optional<std::string> value = value_of(args, i);
		if (name == "--log" && value)
			out.log_path = *value;
		else if (name == "--log-format" && value)
			out.log_format = *value;
	}
	if (i >= args.size() || (args[i] != "create" && args[i] != "run"))
		return out;
	out.bundle = ".";
	for (++i; i < args.size() && args[i].starts_with("-") && args[i] != "--"; ++i) {
		std::string name = split_option(args[i]).first;
		if (!kCreateWithValue.count(name))
			continue;
		std::optional<std::string> value = value_of(args, i);
		if ((name == "--bundle" || name == "-b") && value)
			out.bundle = *value;
	}
	return out;
}

void log_runc_error(const RuncArgs& args, const std::string& message)
{
	if (args.log_path.empty())
		return;
	UniqueFd fd(::open(args.log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644));
	if (!fd)
		return; // stderr has it too
	char when[32];
	std::time_t now = std::time(nullptr);
	std::strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&now));
	std::string line;
	if (args.log_format == "json")
		line = nlohmann::json({{"level", "error"}, {"msg", message}, {"time", when}}).dump() + "\n";
	else
		line = std::string("time=\"") + when + "\" level=error msg=" + nlohmann::json(message).dump() + "\n";
	(void)write_all(fd.get(), line);
}
