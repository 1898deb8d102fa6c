// SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
// The command line: what it parses into, what it refuses, and the man
// page's synopsis it writes.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "hook/command_line.h"

namespace {

std::optional<int> parse(CommandLine& cli, std::vector<std::string> args)
{
	args.insert(args.begin(), "oci-seccomp-recorder");
	std::vector<char*> argv;
	for (std::string& arg : args)
		argv.push_back(arg.data());
	return cli.parse(static_cast<int>(argv.size()), argv.data());
}

} // namespace

TEST_CASE("the hook's options, the last of a repeated one winning")
{
	CommandLine cli;
	REQUIRE_FALSE(parse(cli, {"--profile-dir", "/a", "--timeout", "2.5", "--arg-rules", "--profile-dir", "/b"}));
	CHECK(cli.hook.profile_dir == "/b");
	CHECK(cli.hook.timeout == std::chrono::milliseconds(2500));
	CHECK(cli.hook.recording.arg_rules);
	CHECK_FALSE(cli.hook.recording.allow_denied);
	CHECK_FALSE(cli.merge_cmd->parsed());
}

TEST_CASE("a timeout out of range, a relative BTF cache, a hook option given to a command are refused")
{
	for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
		     {"--timeout", "0"},
		     {"--timeout", "3601"},
		     {"--timeout", "1s"},
		     {"--btf-cache", "cache"},
		     {"status", "--verbose"},
		     {"merge"}}) {
		CommandLine cli;
		CHECK(parse(cli, args) == 1);
	}
	CommandLine cli;
	CHECK(parse(cli, {"diff", "only-one.json"}) == kDiffTrouble);
}

TEST_CASE("a command's arguments")
{
	CommandLine cli;
	REQUIRE_FALSE(parse(cli, {"merge", "-o", "out.json", "a.json", "b.json"}));
	CHECK(cli.merge_cmd->parsed());
	CHECK(cli.merge.output == "out.json");
	CHECK(cli.merge.profiles == std::vector<std::string>{"a.json", "b.json"});
	CommandLine stop;
	REQUIRE_FALSE(parse(stop, {"stop", "--all"}));
	CHECK(stop.stop_all);
	CHECK(stop.stop_ids.empty());
}

TEST_CASE("the synopsis has a line for the hook and each command, with every option")
{
	CommandLine cli;
	std::string synopsis = cli.man_synopsis();
	INFO(synopsis);
	for (const char* line : {".B oci-seccomp-recorder\n", ".B oci-seccomp-recorder merge\n",
				 ".B oci-seccomp-recorder diff\n", ".B oci-seccomp-recorder status\n",
				 ".B oci-seccomp-recorder stop\n", ".B oci-seccomp-recorder cleanup\n"})
		CHECK(synopsis.find(line) != std::string::npos);
	for (const char* usage : {".RB [ \\-\\-profile\\-dir\n.IR DIR ]\n", ".RB [ \\-\\-arg\\-rules ]\n",
				  ".RB [ \\-o | \\-\\-output\n.IR FILE ]\n", ".I PROFILE...\n", ".I OLD\n.I NEW\n",
				  ".RB [ \\-\\-all ]\n.RI [ ID ...]\n"})
		CHECK(synopsis.find(usage) != std::string::npos);
	CHECK(synopsis.find("help") == std::string::npos);
	CHECK(synopsis.find("version") == std::string::npos);
}
