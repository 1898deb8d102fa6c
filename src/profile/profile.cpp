// SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
#include "profile/profile.h"

#include "base/error.h"
#include "base/json_text.h"
#include "profile/syscalls.h"

using nlohmann::ordered_json;

namespace {

constexpr int kEnosys = 38;

enum class Decision { kNone, kAllowed, kConditional, kDenied };

// How the input decides `name`: not at all, allows it outright, allows it
// only under conditions, or names it but never allows it.
Decision decision(const RuleSet& input, const std::string& name)
{
	bool named = false, allowed_sometimes = false;
	for (const auto& [key, rule] : input.rules) {
		if (!rule.names.count(name))
			continue;
		named = true;
		if (rule.allows() && rule.unconditional())
			return Decision::kAllowed;
		allowed_sometimes = allowed_sometimes || rule.allows();
	}
	if (!named)
		return Decision::kNone;
	return allowed_sometimes ? Decision::kConditional : Decision::kDenied;
}

ordered_json empty_allow_list()
{
	return {{"defaultAction", "SCMP_ACT_ERRNO"}, {"defaultErrnoRet", 1}, {"architectures", ordered_json::array()},
		{"syscalls", ordered_json::array()}};
}

} // namespace

InputProfile parse_input_profile(std::string_view text)
{
	if (text.size() > kMaxInputProfileBytes)
		throw Error("input profile is larger than " + std::to_string(kMaxInputProfileBytes) + " bytes");
	InputProfile input{{}, parse_ruleset(text, "input profile")};
	std::string def = input.rules.settings.at("defaultAction");
	if (def == "SCMP_ACT_ALLOW" || def == "SCMP_ACT_LOG")
		throw Error("input profile's defaultAction " + def + " allows by default: it is not an allow-list");
	input.json = parse_json<ordered_json>(text, "input profile");
	return input;
}

RecordedProfile build_profile(const InputProfile* input, const std::set<std::string>& recorded,
			      const std::vector<std::string>& host_arches, const ArgRules* args)
{
	RecordedProfile out;
	ordered_json profile = input ? input->json : empty_allow_list();
	static const RuleSet nothing;
	const RuleSet& decided = input ? input->rules : nothing;

	for (const std::string& name : recorded) {
		switch (decision(decided, name)) {
		case Decision::kNone:
			out.added.insert(name);
			break;
		case Decision::kConditional:
			out.conditional.insert(name);
			break;
		case Decision::kDenied:
			out.denied.insert(name);
			break;
		case Decision::kAllowed:
			break;
		}
	}
	for (const char* name : {"rt_sigreturn", "sigreturn"})
		if (is_known_syscall(name) && decision(decided, name) == Decision::kNone)
			out.added.insert(name);
	ordered_json restricted = ordered_json::array();
	if (args) {
		auto rule = [](const std::string& name, const char* action) {
			return ordered_json{{"names", {name}}, {"action", action}};
		};
		for (const auto& [name, arg_rules] : args->allowed) {
			if (decision(decided, name) != Decision::kNone)
				continue; // the input decides it
			out.added.erase(name);
			out.restricted.insert(name);
			for (const ArgRule& arg_rule : arg_rules) {
				ordered_json r = rule(name, "SCMP_ACT_ALLOW");
				r["args"] = arg_rule.args;
				r["comment"] = arg_rule.comment;
				restricted.push_back(std::move(r));
			}
		}
		for (const std::string& name : args->enosys) {
			if (!out.added.erase(name))
				continue; // not recorded, or the input decides it
			out.restricted.insert(name);
			ordered_json r = rule(name, "SCMP_ACT_ERRNO");
			r["errnoRet"] = kEnosys;
			r["comment"] = "flags behind a pointer, which seccomp cannot read: libc falls back to clone";
			restricted.push_back(std::move(r));
		}
	}

	// An engine refuses a profile with both architectures and archMap.
	auto arch_map = profile.find("archMap");
	if (arch_map == profile.end() || arch_map->is_null() || arch_map->empty()) {
		std::set<std::string> arches = decided.architectures;
		arches.insert(host_arches.begin(), host_arches.end());
		profile["architectures"] = arches;
	}
	ordered_json& rules = profile["syscalls"];
	if (rules.is_null())
		rules = ordered_json::array();
	if (!out.added.empty())
		rules.push_back({{"names", out.added}, {"action", "SCMP_ACT_ALLOW"}, {"args", ordered_json::array()},
				 {"comment", ""}, {"includes", ordered_json::object()}, {"excludes", ordered_json::object()}});
	for (ordered_json& r : restricted)
		rules.push_back(std::move(r));
	out.text = profile.dump(2) + "\n";
	out.rules = parse_ruleset(out.text, "recorded profile");
	return out;
}
