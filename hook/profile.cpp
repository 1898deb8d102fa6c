#include "profile.h"

#include <nlohmann/json.hpp>

#include "error.h"
#include "syscalls.h"

using nlohmann::ordered_json;

std::set<std::string> profile_syscalls(const std::set<std::string>& recorded, const std::set<std::string>& base)
{
	std::set<std::string> names = base;
	names.insert(recorded.begin(), recorded.end());
	for (const char* name : {"rt_sigreturn", "sigreturn"})
		if (is_known_syscall(name))
			names.insert(name);
	return names;
}

std::string render_profile(const std::set<std::string>& names, const std::vector<std::string>& architectures)
{
	ordered_json syscalls = ordered_json::array();
	if (!names.empty())
		syscalls.push_back({{"names", names},
				    {"action", "SCMP_ACT_ALLOW"},
				    {"args", ordered_json::array()},
				    {"comment", ""},
				    {"includes", ordered_json::object()},
				    {"excludes", ordered_json::object()}});
	ordered_json profile = {{"defaultAction", "SCMP_ACT_ERRNO"},
				{"defaultErrnoRet", 1},
				{"architectures", architectures},
				{"syscalls", syscalls}};
	return profile.dump(2) + "\n";
}

namespace {

bool is_empty_filter(const ordered_json& entry, const char* key)
{
	auto it = entry.find(key);
	return it == entry.end() || it->is_null() || (it->is_object() && it->empty()) ||
	       (it->is_array() && it->empty());
}

} // namespace

std::set<std::string> allowed_syscalls(std::string_view text)
{
	if (text.size() > kMaxInputProfileBytes)
		throw Error("input profile is larger than " + std::to_string(kMaxInputProfileBytes) + " bytes");
	ordered_json j = ordered_json::parse(text, nullptr, false);
	if (j.is_discarded())
		throw Error("input profile is not valid JSON");
	if (!j.is_object())
		throw Error("input profile is not a JSON object");

	auto def = j.find("defaultAction");
	if (def == j.end() || !def->is_string())
		throw Error("input profile has no defaultAction");
	if (*def == "SCMP_ACT_ALLOW" || *def == "SCMP_ACT_LOG")
		throw Error("input profile's defaultAction " + def->get<std::string>() +
			    " allows by default: it is not an allow-list");

	std::set<std::string> names;
	auto entries = j.find("syscalls");
	if (entries == j.end() || entries->is_null())
		return names;
	if (!entries->is_array())
		throw Error("input profile's syscalls is not an array");
	for (size_t i = 0; i < entries->size(); ++i) {
		const ordered_json& e = (*entries)[i];
		std::string where = "input profile's syscalls[" + std::to_string(i) + "]";
		if (!e.is_object())
			throw Error(where + " is not an object");
		auto action = e.find("action");
		if (action == e.end() || *action != "SCMP_ACT_ALLOW")
			throw Error(where + " is not an SCMP_ACT_ALLOW entry");
		for (const char* key : {"args", "includes", "excludes"})
			if (!is_empty_filter(e, key))
				throw Error(where + " has " + key + " conditions, which cannot be merged");
		std::vector<std::string> entry_names;
		if (auto n = e.find("names"); n != e.end() && n->is_array())
			for (const auto& name : *n) {
				if (!name.is_string())
					throw Error(where + " has a name that is not a string");
				entry_names.push_back(name.get<std::string>());
			}
		else if (auto one = e.find("name"); one != e.end() && one->is_string())
			entry_names.push_back(one->get<std::string>());
		else
			throw Error(where + " has no names");
		for (std::string& name : entry_names) {
			if (!is_known_syscall(name))
				throw Error(where + " names unknown syscall '" + name + "'");
			names.insert(std::move(name));
		}
	}
	return names;
}
