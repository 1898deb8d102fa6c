// SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
#include "oci/bundle.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <map>
#include <nlohmann/json.hpp>

#include "base/error.h"
#include "base/fd.h"
#include "base/json_text.h"
#include "base/output_file.h"
#include "oci/annotation.h"
#include "oci/hooks_d.h"

using nlohmann::ordered_json;

namespace {

// A config.json is a few KiB; a hostile one may not make us read more.
constexpr size_t kMaxConfigBytes = 4 << 20;

struct ConfigFile {
	std::string text;
	mode_t mode = 0644;
};

std::optional<ConfigFile> read_config(const std::string& path)
{
	UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
	if (!fd)
		return std::nullopt;
	struct stat st;
	if (::fstat(fd.get(), &st) < 0 || !S_ISREG(st.st_mode) || static_cast<size_t>(st.st_size) > kMaxConfigBytes)
		return std::nullopt;
	try {
		return ConfigFile{read_capped(fd.get(), kMaxConfigBytes, path), st.st_mode & 07777};
	} catch (const std::exception&) {
		return std::nullopt;
	}
}

std::map<std::string, std::string> string_annotations(const ordered_json& config)
{
	std::map<std::string, std::string> out;
	auto annotations = config.find("annotations");
	if (annotations == config.end() || !annotations->is_object())
		return out;
	for (const auto& [key, value] : annotations->items())
		if (value.is_string())
			out.emplace(key, value.get<std::string>());
	return out;
}

} // namespace

BundleEdit add_recording_hook(const std::string& bundle, const std::vector<std::string>& dirs)
{
	std::string path = bundle + "/config.json";
	std::optional<ConfigFile> file = read_config(path);
	if (!file)
		return BundleEdit::kNotAsked; // runc reports what is wrong with it
	auto config = try_parse_json<ordered_json>(file->text).value_or(nullptr);
	if (!config.is_object()) {
		if (file->text.find(kAnnotation) != std::string::npos)
			throw Error(path + " is not a JSON object of at most " + std::to_string(kMaxJsonDepth) +
				    " levels: cannot add the recording hook its annotation asks for");
		return BundleEdit::kNotAsked;
	}
	if (!select_annotation(string_annotations(config)))
		return BundleEdit::kNotAsked;
	HooksEntry entry = load_hooks_entry(dirs);
	if (!applies(entry, config))
		return BundleEdit::kNotAsked;

	ordered_json& hooks = config["hooks"];
	if (hooks.is_null())
		hooks = ordered_json::object();
	if (!hooks.is_object())
		throw Error(path + ": hooks is not an object");
	bool added = false;
	for (const std::string& stage : entry.stages) {
		ordered_json& list = hooks[stage];
		if (list.is_null())
			list = ordered_json::array();
		if (!list.is_array())
			throw Error(path + ": hooks." + stage + " is not an array");
		if (std::find(list.begin(), list.end(), entry.hook) != list.end())
			continue;
		list.push_back(entry.hook);
		added = true;
	}
	if (!added)
		return BundleEdit::kAlreadyThere;

	UniqueFd dir(::open(bundle.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
	if (!dir)
		throw_errno("open bundle " + bundle);
	OutputFile(std::move(dir), "config.json", path).write_atomically(config.dump(), file->mode);
	return BundleEdit::kAdded;
}

std::optional<nlohmann::json> seccomp_config(const std::string& bundle)
{
	std::optional<ConfigFile> file = read_config(bundle + "/config.json");
	if (!file)
		return std::nullopt;
	auto config = try_parse_json(file->text).value_or(nullptr);
	if (!config.is_object())
		return std::nullopt;
	auto linux = config.find("linux");
	if (linux == config.end() || !linux->is_object())
		return nullptr;
	auto seccomp = linux->find("seccomp");
	return seccomp == linux->end() ? nullptr : *seccomp;
}
