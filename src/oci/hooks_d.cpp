// SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
#include "oci/hooks_d.h"

#include <cstdlib>
#include <fstream>
#include <regex>
#include <sstream>

#include "base/error.h"
#include "base/json_text.h"

using json = nlohmann::ordered_json; // the bundle config.json as the wrapper writes it back

namespace {

// A pattern of the entry, compiled; a bad one is the entry's error.
std::regex pattern(const json& p, const std::string& source)
{
	if (!p.is_string())
		throw Error(source + ": a when pattern is not a string");
	try {
		return std::regex(p.get<std::string>(), std::regex::ECMAScript);
	} catch (const std::regex_error& e) {
		throw Error(source + ": bad when pattern " + p.dump() + ": " + e.what());
	}
}

// Whether some annotation matches the pair of patterns.
bool annotation_matches(const json& key_pattern, const json& value_pattern, const json& config,
			const std::string& source)
{
	std::regex key_re = pattern(key_pattern, source), value_re = pattern(value_pattern, source);
	auto annotations = config.find("annotations");
	if (annotations == config.end() || !annotations->is_object())
		return false;
	for (const auto& [key, value] : annotations->items())
		if (value.is_string() && std::regex_search(key, key_re) && std::regex_search(value.get<std::string>(), value_re))
			return true;
	return false;
}

bool command_matches(const json& patterns, const json& config, const std::string& source)
{
	const json* args = nullptr;
	if (auto process = config.find("process"); process != config.end() && process->is_object())
		if (auto a = process->find("args"); a != process->end() && a->is_array() && !a->empty())
			args = &*a;
	if (!args || !(*args)[0].is_string())
		return false;
	for (const json& p : patterns)
		if (std::regex_search((*args)[0].get<std::string>(), pattern(p, source)))
			return true;
	return false;
}

bool has_bind_mounts(const json& config)
{
	auto mounts = config.find("mounts");
	if (mounts == config.end() || !mounts->is_array())
		return false;
	for (const json& m : *mounts)
		if (auto options = m.find("options"); m.is_object() && options != m.end() && options->is_array())
			for (const json& o : *options)
				if (o == "bind" || o == "rbind")
					return true;
	return false;
}

} // namespace

std::vector<std::string> hooks_dirs()
{
	if (const char* dir = std::getenv("OCI_SECCOMP_RECORDER_HOOKS_DIR"); dir && *dir)
		return {dir};
	return {"/etc/containers/oci/hooks.d", "/usr/share/containers/oci/hooks.d"};
}

HooksEntry load_hooks_entry(const std::vector<std::string>& dirs)
{
	for (const std::string& dir : dirs) {
		std::string path = dir + "/" + kHooksJsonName;
		std::ifstream in(path);
		if (!in)
			continue;
		std::stringstream text;
		text << in.rdbuf();
		auto j = try_parse_json<json>(text.str()).value_or(nullptr);
		if (!j.is_object())
			throw Error(path + " is not a JSON object");
		if (j.value("version", "") != "1.0.0")
			throw Error(path + " is not a version 1.0.0 hooks.d entry");
		HooksEntry entry{path, j.value("hook", json()), {}, j.value("when", json::object())};
		if (!entry.hook.is_object() || !entry.hook.contains("path") || !entry.hook["path"].is_string())
			throw Error(path + " has no hook.path");
		auto stages = j.find("stages");
		if (stages == j.end() || !stages->is_array() || stages->empty())
			throw Error(path + " has no stages");
		for (const auto& stage : *stages) {
			if (!stage.is_string())
				throw Error(path + " has a stage that is not a string");
			entry.stages.push_back(stage.get<std::string>());
		}
		if (!entry.when.is_object() || entry.when.empty())
			throw Error(path + " has no when conditions");
		return entry;
	}
	std::string searched;
	for (const std::string& dir : dirs)
		searched += (searched.empty() ? "" : ", ") + dir;
	throw Error("no " + std::string(kHooksJsonName) + " in " + searched);
}

// As podman decides for a 1.0.0 entry (pkg/hooks/1.0.0/when.go): every
// condition given must match, each annotation pair among them, and one at
// least must be given. ("or" is read from 0.1.0 entries only.)
bool applies(const HooksEntry& entry, const json& config)
{
	const json& when = entry.when;
	size_t matched = 0;
	if (auto always = when.find("always"); always != when.end()) {
		if (*always != true)
			return false;
		++matched;
	}
	if (auto b = when.find("hasBindMounts"); b != when.end()) {
		if (!(*b == true && has_bind_mounts(config)))
			return false;
		++matched;
	}
	if (auto a = when.find("annotations"); a != when.end()) {
		if (!a->is_object())
			return false;
		for (const auto& [key_pattern, value_pattern] : a->items()) {
			if (!annotation_matches(key_pattern, value_pattern, config, entry.source))
				return false;
			++matched;
		}
	}
	if (auto c = when.find("commands"); c != when.end() && !c->empty())
		return c->is_array() && command_matches(*c, config, entry.source);
	return matched > 0;
}
