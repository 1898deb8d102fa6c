// SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
#include "profile/ruleset.h"

#include <algorithm>
#include <tuple>

#include "base/error.h"
#include "base/json_text.h"

using nlohmann::json;
using nlohmann::ordered_json;

namespace {

constexpr const char* kErrno = "SCMP_ACT_ERRNO";
constexpr int kEperm = 1;

// What runc, crun and libseccomp accept as actions.
bool is_action(const json& action)
{
	static const std::set<std::string> actions = {
		"SCMP_ACT_KILL",  "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL_THREAD", "SCMP_ACT_TRAP", "SCMP_ACT_ERRNO",
		"SCMP_ACT_TRACE", "SCMP_ACT_ALLOW",        "SCMP_ACT_LOG",         "SCMP_ACT_NOTIFY"};
	return action.is_string() && actions.count(action.get<std::string>());
}

bool is_empty(const json& v)
{
	return v.is_null() || ((v.is_array() || v.is_object() || v.is_string()) && v.empty());
}

std::string text(const json& v)
{
	return v.is_string() ? v.get<std::string>() : v.dump();
}

std::string text_or_none(const json& settings, const std::string& key)
{
	auto it = settings.find(key);
	return it == settings.end() ? "none" : text(*it);
}

// The top-level keys either profile has.
std::set<std::string> setting_keys(const RuleSet& a, const RuleSet& b)
{
	std::set<std::string> keys;
	for (const json* settings : {&a.settings, &b.settings})
		for (const auto& item : settings->items())
			keys.insert(item.key());
	return keys;
}

// The rule a recording writes: allowed, whatever the arguments.
const json& plain_allow()
{
	static const json conditions = {{"action", "SCMP_ACT_ALLOW"}};
	return conditions;
}

std::set<std::string> entry_names(const json& e, const std::string& where)
{
	std::set<std::string> names;
	if (auto n = e.find("names"); n != e.end() && n->is_array()) {
		for (const auto& name : *n) {
			if (!name.is_string())
				throw Error(where + " has a name that is not a string");
			names.insert(name.get<std::string>());
		}
	} else if (auto one = e.find("name"); one != e.end() && one->is_string()) {
		names.insert(one->get<std::string>());
	} else {
		throw Error(where + " has no names");
	}
	return names;
}

void add_rule(RuleSet& rules, json conditions, const std::set<std::string>& names)
{
	if (names.empty())
		return;
	Rule& rule = rules.rules[conditions.dump()];
	rule.conditions = std::move(conditions);
	rule.names.insert(names.begin(), names.end());
}

// Rules as a profile lists them: the plain allow rule first, as a reader
// expects, then by conditions.
std::vector<const Rule*> ordered_rules(const RuleSet& rules)
{
	std::vector<const Rule*> out;
	for (const auto& [key, rule] : rules.rules)
		out.push_back(&rule);
	std::stable_partition(out.begin(), out.end(), [](const Rule* r) { return r->conditions == plain_allow(); });
	return out;
}

// The rules naming one syscall, and whether every one of them allows it.
struct Decided {
	std::set<std::string> rules;
	bool allows = true;
};

std::map<std::string, Decided> decided_by_name(const RuleSet& rules)
{
	std::map<std::string, Decided> by_name;
	for (const auto& [key, rule] : rules.rules)
		for (const std::string& name : rule.names) {
			Decided& d = by_name[name];
			d.rules.insert(key);
			d.allows = d.allows && rule.allows();
		}
	return by_name;
}

} // namespace

std::string join(const std::set<std::string>& items, const std::string& separator)
{
	std::string out;
	for (const std::string& item : items)
		out += (out.empty() ? "" : separator) + item;
	return out;
}

bool Rule::unconditional() const
{
	return std::all_of(conditions.items().begin(), conditions.items().end(),
			   [](const auto& item) { return item.key() == "action" || item.key() == "errnoRet"; });
}

bool Rule::allows() const
{
	const json& action = conditions.at("action");
	return action == "SCMP_ACT_ALLOW" || action == "SCMP_ACT_LOG";
}

RuleSet parse_ruleset(std::string_view text_in, const std::string& what)
{
	json j = parse_json(text_in, what);
	if (!j.is_object())
		throw Error(what + " is not a JSON object");
	auto def = j.find("defaultAction");
	if (def == j.end() || !def->is_string())
		throw Error(what + " has no defaultAction");
	if (!is_action(*def))
		throw Error(what + "'s defaultAction " + def->dump() + " is not a seccomp action");

	RuleSet rules;
	rules.settings = json::object();
	for (const auto& [key, value] : j.items()) {
		if (key == "syscalls")
			continue;
		if (key != "architectures") {
			rules.settings[key] = value;
			continue;
		}
		if (value.is_null())
			continue;
		if (!value.is_array() || !std::all_of(value.begin(), value.end(), [](const json& a) { return a.is_string(); }))
			throw Error(what + "'s architectures is not an array of strings");
		for (const auto& arch : value)
			rules.architectures.insert(arch.get<std::string>());
	}
	// runc and crun return EPERM where SCMP_ACT_ERRNO gives no errno.
	if (*def == kErrno && !rules.settings.contains("defaultErrnoRet"))
		rules.settings["defaultErrnoRet"] = kEperm;

	auto entries = j.find("syscalls");
	if (entries == j.end() || entries->is_null())
		return rules;
	if (!entries->is_array())
		throw Error(what + "'s syscalls is not an array");
	for (size_t i = 0; i < entries->size(); ++i) {
		const json& e = (*entries)[i];
		std::string where = what + "'s syscalls[" + std::to_string(i) + "]";
		if (!e.is_object())
			throw Error(where + " is not an object");
		std::set<std::string> names = entry_names(e, where);
		auto action = e.find("action");
		if (action == e.end() || !action->is_string())
			throw Error(where + " has no action");
		if (!is_action(*action))
			throw Error(where + "'s action " + action->dump() + " is not a seccomp action");
		json conditions = json::object();
		for (const auto& [key, value] : e.items())
			if (key != "names" && key != "name" && key != "comment" && !is_empty(value))
				conditions[key] = value;
		add_rule(rules, std::move(conditions), names);
	}
	return rules;
}

void merge_ruleset(RuleSet& into, const RuleSet& from, const std::string& from_what)
{
	if (into.settings != from.settings) {
		std::set<std::string> keys = setting_keys(into, from);
		std::vector<std::string> ordered(keys.begin(), keys.end());
		std::stable_partition(ordered.begin(), ordered.end(), [](const std::string& k) { return k == "defaultAction"; });
		for (const std::string& key : ordered) {
			std::string mine = text_or_none(into.settings, key), theirs = text_or_none(from.settings, key);
			if (mine == theirs)
				continue;
			if (key == "defaultAction")
				throw Error(from_what + " has defaultAction " + theirs + ", the profiles before it " + mine +
					    ": profiles with different default actions cannot be merged");
			throw Error(from_what + " has " + key + " " + theirs + ", the profiles before it " + mine +
				    ": profiles with different settings cannot be merged");
		}
	}
	std::map<std::string, Decided> mine = decided_by_name(into), theirs = decided_by_name(from);
	for (const auto& [name, their] : theirs) {
		auto my = mine.find(name);
		if (my == mine.end() || my->second.rules == their.rules || (my->second.allows && their.allows))
			continue;
		throw Error(from_what + " gives " + name + " " + join(their.rules, " + ") + ", the profiles before it " +
			    join(my->second.rules, " + ") +
			    ": a syscall that one profile does not allow must be decided alike by all");
	}
	for (const auto& [key, rule] : from.rules)
		add_rule(into, rule.conditions, rule.names);
	into.architectures.insert(from.architectures.begin(), from.architectures.end());
}

std::string render_ruleset(const RuleSet& rules)
{
	ordered_json profile = ordered_json::object();
	for (const char* first : {"defaultAction", "defaultErrnoRet"})
		if (auto it = rules.settings.find(first); it != rules.settings.end())
			profile[first] = *it;
	for (const auto& [key, value] : rules.settings.items())
		if (!profile.contains(key))
			profile[key] = value;
	// An engine refuses a profile with both architectures and archMap.
	if (!rules.architectures.empty() || !rules.settings.contains("archMap"))
		profile["architectures"] = rules.architectures;

	ordered_json syscalls = ordered_json::array();
	for (const Rule* rule : ordered_rules(rules)) {
		// The fields oci-seccomp-bpf-hook writes, always, then any others.
		ordered_json entry = {{"names", rule->names}, {"action", rule->conditions.at("action")}};
		for (const auto& [key, value] : rule->conditions.items())
			if (key != "action" && key != "args" && key != "includes" && key != "excludes")
				entry[key] = value;
		entry["args"] = rule->conditions.value("args", json::array());
		entry["comment"] = "";
		entry["includes"] = rule->conditions.value("includes", json::object());
		entry["excludes"] = rule->conditions.value("excludes", json::object());
		syscalls.push_back(std::move(entry));
	}
	profile["syscalls"] = std::move(syscalls);
	return profile.dump(2) + "\n";
}

std::vector<std::string> diff_rulesets(const RuleSet& before, const RuleSet& after)
{
	std::vector<std::string> lines;
	for (const std::string& key : setting_keys(before, after)) {
		std::string was = text_or_none(before.settings, key), now = text_or_none(after.settings, key);
		if (was != now)
			lines.push_back("~ " + key + ": " + was + " -> " + now);
	}
	for (const std::string& arch : before.architectures)
		if (!after.architectures.count(arch))
			lines.push_back("- architecture " + arch);
	for (const std::string& arch : after.architectures)
		if (!before.architectures.count(arch))
			lines.push_back("+ architecture " + arch);

	// (name, sign, rule): sorted by name, so a review reads alphabetically.
	std::vector<std::tuple<std::string, char, std::string>> changes;
	auto collect = [&changes](const RuleSet& from, const RuleSet& against, char sign) {
		for (const auto& [key, rule] : from.rules) {
			auto other = against.rules.find(key);
			std::string suffix = rule.conditions == plain_allow() ? "" : " [" + key + "]";
			for (const std::string& name : rule.names)
				if (other == against.rules.end() || !other->second.names.count(name))
					changes.emplace_back(name, sign, suffix);
		}
	};
	collect(before, after, '-');
	collect(after, before, '+');
	std::sort(changes.begin(), changes.end());
	for (const auto& [name, sign, suffix] : changes)
		lines.push_back(std::string(1, sign) + " " + name + suffix);
	return lines;
}
