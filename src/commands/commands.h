// SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
// The subcommands: `merge`, `diff` and `stability` for profiles and reports
// once they are recorded, `status`, `stop` and `cleanup` for the recordings
// running on the node. Each takes its parsed arguments (hook/command_line
// defines them) and returns the exit status; errors go to stderr as one line.
#pragma once

#include <optional>
#include <string>
#include <vector>

struct MergeArgs {
	std::vector<std::string> profiles; // at least one
	std::string output;                // empty: standard output
	std::optional<std::string> resource; // a SeccompProfile of this name
	std::optional<std::string> oci;      // DIR:TAG: an OCI artifact in that image layout
};

struct StabilityArgs {
	std::vector<std::string> reports; // at least one: OUT.report.json of each run
	size_t settle = 3;                // runs in a row that add nothing
	bool json = false;
};

// diff(1)'s exit statuses: the same, different, trouble. stability answers
// alike: stable, not yet, trouble.
constexpr int kDiffSame = 0, kDiffDifferent = 1, kDiffTrouble = 2;

int merge_command(const MergeArgs& args);
int diff_command(const std::string& before, const std::string& after);
int stability_command(const StabilityArgs& args);
// As root, from the node's maps; as anyone else, that user's own, from the
// recording service at `service_socket`.
int status_command(bool as_json, const std::string& service_socket);
int stop_command(const std::vector<std::string>& ids, bool all);
int cleanup_command();
