// SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
// Whether recordings of one workload have stopped finding new syscalls:
// read from the reports of N runs (and the profiles beside them, for the
// argument values), per syscall and value in how many runs it was seen, and
// how many runs in a row, up to the last, added nothing new. A profile built
// from runs that still add something holds a path some run never took.
#pragma once

#include <cstddef>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

// What one run saw. Items are "syscall ARCH NAME" and "value NAME WHAT"
// (WHAT: an argument rule's comment, or its conditions).
struct Run {
	std::string source;  // the report's path, for messages
	std::string started; // RFC 3339 in UTC: orders the runs
	std::set<std::string> items;
	std::set<std::string> denied; // "ARCH NAME"
};

// A run from its report's text and, if there is one, the text of the
// profile beside it. Throws a one-line Error naming `source` if the report
// is not one.
Run read_run(std::string_view report, const std::optional<std::string>& profile, const std::string& source);

struct Stability {
	std::vector<Run> runs;                // oldest first
	std::map<std::string, size_t> seen;   // item -> runs that saw it
	std::map<std::string, size_t> denied; // "ARCH NAME" -> runs that were denied it
	std::vector<std::set<std::string>> added; // per run: items no earlier run saw
	// Runs at the end that added nothing.
	size_t quiet() const;
	// Stable: at least `settle` runs in a row, up to the last, added nothing.
	bool stable(size_t settle) const { return quiet() >= settle; }
};

Stability measure_stability(std::vector<Run> runs);

// A short summary for people: runs, what only some runs saw, new items per
// run, and the verdict.
std::string render_stability(const Stability& s, size_t settle);
// The same for scripts.
nlohmann::ordered_json stability_json(const Stability& s, size_t settle);
