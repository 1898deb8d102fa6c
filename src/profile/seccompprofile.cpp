// SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
#include "profile/seccompprofile.h"

#include "base/error.h"
#include "base/path.h"

using nlohmann::json;

namespace {

constexpr size_t kMaxNameLength = 253;

// Every scalar double-quoted as JSON quotes it, which YAML reads the same.
std::string quoted(const std::string& s)
{
	return json(s).dump();
}

bool is_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

void refuse(const std::string& why)
{
	throw Error("cannot write a SeccompProfile resource: " + why);
}

std::string render_args(const json& args, const std::string& rule)
{
	if (!args.is_array() || args.size() > 6)
		refuse("args of " + rule + " is not an array of at most 6 conditions");
	std::string out = "    args:\n";
	for (const json& arg : args) {
		auto index = arg.find("index");
		auto op = arg.find("op");
		if (!arg.is_object() || index == arg.end() || !index->is_number_unsigned() || op == arg.end() || !op->is_string())
			refuse("an argument condition of " + rule + " has no index or op");
		out += "    - index: " + index->dump() + "\n      op: " + quoted(op->get<std::string>()) + "\n";
		for (const char* key : {"value", "valueTwo"}) {
			auto v = arg.find(key);
			if (v == arg.end())
				continue;
			if (!v->is_number_unsigned())
				refuse(std::string(key) + " of " + rule + " is not a non-negative integer");
			out += std::string("      ") + key + ": " + v->dump() + "\n";
		}
	}
	return out;
}

} // namespace

std::string resource_name(std::string_view file_name)
{
	std::string base = split_path(file_name).name;
	if (base.ends_with(".json"))
		base.resize(base.size() - 5);
	std::string name;
	for (char c : base) {
		char lower = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
		if (is_alnum(lower))
			name += lower;
		else if (!name.empty() && name.back() != '-')
			name += '-';
	}
	name = name.substr(0, kMaxNameLength);
	while (!name.empty() && name.back() == '-')
		name.pop_back();
	if (name.empty())
		throw Error("cannot make a resource name from '" + std::string(file_name) + "'");
	return name;
}

std::string render_seccompprofile(const RuleSet& rules, const std::string& name)
{
	std::string spec;
	for (const auto& [key, value] : rules.settings.items()) {
		if (key == "defaultAction") {
			spec += "  defaultAction: " + quoted(value.get<std::string>()) + "\n";
		} else if (key == "defaultErrnoRet") {
			if (value != 1)
				refuse("defaultErrnoRet " + value.dump() + " (the resource's default errno is EPERM)");
		} else if (key == "flags" && value.is_array()) {
			spec += "  flags:\n";
			for (const json& flag : value)
				spec += "  - " + quoted(flag.get<std::string>()) + "\n";
		} else if ((key == "listenerPath" || key == "listenerMetadata") && value.is_string()) {
			spec += "  " + key + ": " + quoted(value.get<std::string>()) + "\n";
		} else {
			refuse("it has no field for " + key);
		}
	}
	if (!rules.architectures.empty()) {
		spec += "  architectures:\n";
		for (const std::string& arch : rules.architectures)
			spec += "  - " + quoted(arch) + "\n";
	}
	if (!rules.rules.empty())
		spec += "  syscalls:\n";
	for (const auto& [key, rule] : rules.rules) {
		spec += "  - action: " + quoted(rule.conditions.at("action").get<std::string>()) + "\n";
		for (const auto& [field, value] : rule.conditions.items()) {
			if (field == "args")
				spec += render_args(value, key);
			else if (field == "errnoRet" && value.is_number_unsigned())
				spec += "    errnoRet: " + quoted(value.dump()) + "\n"; // a string in the CRD
			else if (field != "action")
				refuse("it has no field for " + field + " in rule " + key);
		}
		spec += "    names:\n";
		for (const std::string& syscall : rule.names)
			spec += "    - " + quoted(syscall) + "\n";
	}
	return "apiVersion: security-profiles-operator.x-k8s.io/v1beta1\n"
	       "kind: SeccompProfile\n"
	       "metadata:\n"
	       "  name: " + quoted(name) + "\n"
	       "spec:\n" + spec;
}
