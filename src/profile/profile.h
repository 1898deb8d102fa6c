// SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
// The profile a recording writes: its if: profile (or an empty allow-list)
// kept as it is, plus one rule allowing what was recorded and that profile
// does not decide.
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "profile/arg_rules.h"
#include "profile/ruleset.h"

inline constexpr size_t kMaxInputProfileBytes = 1 << 20;

// An if: profile: any profile the runtimes accept whose default action denies.
struct InputProfile {
	nlohmann::ordered_json json; // as written: every key, rule and comment, in order
	RuleSet rules;               // what it decides, for classifying recorded syscalls
};

// Refuses what is not a seccomp profile, and an allow-all default
// (SCMP_ACT_ALLOW, SCMP_ACT_LOG), which cannot be the base of an allow-list.
InputProfile parse_input_profile(std::string_view text);

struct RecordedProfile {
	std::string text;
	RuleSet rules;
	// Recorded syscalls (and the signal returns) the input does not name:
	// the new rule's names.
	std::set<std::string> added;
	// Recorded syscalls the input names but never allows: they stay denied.
	std::set<std::string> denied;
	// Recorded syscalls the input allows only under its conditions (args,
	// caps, arches, kernel versions): they keep them.
	std::set<std::string> conditional;
	// Recorded syscalls the input does not name, allowed by argument rules
	// (and clone3, answered ENOSYS): not in `added`.
	std::set<std::string> restricted;
};

// `input` may be null: the profile is then the recorded allow-list alone,
// everything else EPERM. Architectures: the input's and the host's (unless
// the input has an archMap, from which the engine picks them). The signal
// returns are always allowed unless the input decides them: a handler runs
// during recording only if a signal happens to arrive (runc's Go runtime
// preempts with signals after its seccomp filter is in), denying its return
// kills the process instead of failing a call, and it grants nothing but
// restoring a frame the kernel built.
// With `args`, each syscall it has rules for (and the input does not name)
// is allowed only with the argument values recorded, one rule per value,
// after the rule of names.
RecordedProfile build_profile(const InputProfile* input, const std::set<std::string>& recorded,
			      const std::vector<std::string>& host_arches, const ArgRules* args = nullptr);
