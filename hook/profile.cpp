#include "profile.h"

#include "error.h"
#include "ruleset.h"
#include "syscalls.h"

std::set<std::string> profile_syscalls(const std::set<std::string>& recorded, const std::set<std::string>& base)
{
	std::set<std::string> names = base;
	names.insert(recorded.begin(), recorded.end());
	for (const char* name : {"rt_sigreturn", "sigreturn"})
		if (is_known_syscall(name))
			names.insert(name);
	return names;
}

std::set<std::string> allowed_syscalls(std::string_view text)
{
	if (text.size() > kMaxInputProfileBytes)
		throw Error("input profile is larger than " + std::to_string(kMaxInputProfileBytes) + " bytes");
	RuleSet rules = parse_ruleset(text, "input profile");
	std::string def = rules.settings.at("defaultAction");
	if (def == "SCMP_ACT_ALLOW" || def == "SCMP_ACT_LOG")
		throw Error("input profile's defaultAction " + def + " allows by default: it is not an allow-list");

	std::set<std::string> names;
	for (const auto& [key, rule] : rules.rules) {
		std::string where = "input profile's rule " + key;
		if (rule.conditions.at("action") != "SCMP_ACT_ALLOW")
			throw Error(where + " is not an SCMP_ACT_ALLOW entry");
		for (const char* condition : {"args", "includes", "excludes"})
			if (rule.conditions.contains(condition))
				throw Error(where + " has " + condition + " conditions, which cannot be merged");
		for (const std::string& name : rule.names) {
			if (!is_known_syscall(name))
				throw Error("input profile names unknown syscall '" + name + "'");
			names.insert(name);
		}
	}
	return names;
}
