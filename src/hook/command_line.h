// SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
// The binary's command line, defined once (CLI11): the hook's options and
// the commands. Parsing, ranges, --help and the man page's synopsis all
// come from these definitions.
#pragma once

#include <CLI/CLI.hpp>

#include <optional>
#include <string>
#include <vector>

#include "commands/commands.h"
#include "hook/prestart.h"
#include "service/server.h"

class CommandLine {
public:
	CommandLine();
	CommandLine(const CommandLine&) = delete; // the commands point into app
	CommandLine& operator=(const CommandLine&) = delete;

	// Parses the arguments into the fields below; an exit status when
	// there is nothing more to do (--help, --version, a parse error, told in
	// one line on standard error).
	std::optional<int> parse(int argc, char** argv);
	// The SYNOPSIS section's lines in man(7) markup: one line of usage for
	// the hook and one for each command.
	std::string man_synopsis() const;

	CLI::App app;
	HookOptions hook;
	MergeArgs merge;
	std::string diff_before, diff_after;
	StabilityArgs stability;
	bool status_json = false;
	std::string status_socket = kServiceSocket;
	std::vector<std::string> stop_ids;
	bool stop_all = false;
	ServiceOptions service;
	CLI::App* merge_cmd;
	CLI::App* diff_cmd;
	CLI::App* stability_cmd;
	CLI::App* status_cmd;
	CLI::App* stop_cmd;
	CLI::App* cleanup_cmd;
	CLI::App* service_cmd;

private:
	std::string timeout_ = "10";
	unsigned idle_exit_ = 120;
};
