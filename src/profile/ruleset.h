// SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
// A seccomp profile (the JSON podman, CRI-O and runc read) reduced to what
// merging, comparing and converting need: the top-level settings, the
// architectures, and the rules grouped by everything but their syscall names.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <string_view>
#include <vector>

struct Rule {
	// The entry without its names and without empty fields: action, and
	// errnoRet, args, includes or excludes where the entry has them.
	nlohmann::json conditions;
	std::set<std::string> names;
	// Just an action (and errno): applies whatever the arguments and caps.
	bool unconditional() const;
	// SCMP_ACT_ALLOW or SCMP_ACT_LOG: the call goes through.
	bool allows() const;
};

struct RuleSet {
	// Every top-level key but architectures and syscalls: defaultAction,
	// defaultErrnoRet (1 where SCMP_ACT_ERRNO leaves it out), flags, ...
	nlohmann::json settings;
	std::set<std::string> architectures;
	// Keyed by conditions.dump(): the same conditions make one rule.
	std::map<std::string, Rule> rules;
};

// `what` names the profile in errors ("input profile", "a.json"). Comments are
// dropped. Refuses actions that are not seccomp actions.
RuleSet parse_ruleset(std::string_view json, const std::string& what);

// Adds `from`'s architectures and rules to `into`. Refuses profiles whose
// settings differ (default action first), and a syscall that both name and
// either does not allow, unless both decide it with the same rules: what one
// profile blocks, no other may allow or block otherwise. Rules that allow
// are kept side by side, and a filter ORs them: a value that either profile
// allows is allowed, and so is a syscall that either allows whatever its
// arguments.
void merge_ruleset(RuleSet& into, const RuleSet& from, const std::string& from_what);

// Sorted keys, architectures, rules and names: the same rules always give the
// same bytes.
std::string render_ruleset(const RuleSet& rules);

// One line per difference: "~ defaultAction: A -> B", "+ architecture X",
// "- name" / "+ name" for syscalls allowed without conditions, and
// "+ name [conditions]" for any other rule. Empty when equivalent.
std::vector<std::string> diff_rulesets(const RuleSet& before, const RuleSet& after);

// The items joined by `separator`, for log lines and errors.
std::string join(const std::set<std::string>& items, const std::string& separator);
