// SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
#include "profile/oci_artifact.h"

#include <fcntl.h>
#include <sha2.h>
#include <sys/stat.h>

#include <nlohmann/json.hpp>
#include <regex>

#include "base/error.h"
#include "base/fd.h"
#include "base/json_text.h"
#include "base/output_file.h"

using nlohmann::ordered_json;

namespace {

constexpr std::string_view kManifestType = "application/vnd.oci.image.manifest.v1+json";
constexpr std::string_view kLayerType = "application/json";
// Runtimes refuse bigger artifacts by default (KEP-6061).
constexpr size_t kMaxArtifactBytes = 1 << 20;
constexpr size_t kMaxIndexBytes = 16 << 20;

void refuse(const std::string& why)
{
	throw Error("cannot write the profile as an OCI artifact: " + why);
}

std::string sha256(const std::string& data)
{
	char hex[SHA256_DIGEST_STRING_LENGTH];
	return SHA256Data(reinterpret_cast<const uint8_t*>(data.data()), data.size(), hex);
}

UniqueFd open_dir(const std::string& path)
{
	if (::mkdir(path.c_str(), 0755) < 0 && errno != EEXIST)
		throw_errno("create " + path);
	UniqueFd fd(::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
	if (!fd)
		throw_errno("open directory " + path);
	return fd;
}

// A blob of the layout, named by its digest; returns its descriptor.
ordered_json put_blob(const std::string& blobs, std::string_view media_type, const std::string& data)
{
	std::string hex = sha256(data);
	OutputFile(open_dir(blobs), hex, blobs + "/" + hex).write_atomically(data);
	return {{"mediaType", media_type}, {"digest", "sha256:" + hex}, {"size", data.size()}};
}

} // namespace

std::string runtime_spec_profile(const RuleSet& rules)
{
	for (const auto& [key, value] : rules.settings.items()) {
		if (key != "defaultAction" && key != "defaultErrnoRet" && key != "flags")
			refuse("the runtime spec's format has no " + key);
		if (key == "defaultAction" && value == "SCMP_ACT_NOTIFY")
			refuse("runtimes refuse SCMP_ACT_NOTIFY in an artifact");
	}
	for (const auto& [key, rule] : rules.rules)
		for (const auto& [field, value] : rule.conditions.items()) {
			if (field != "action" && field != "errnoRet" && field != "args")
				refuse("the runtime spec's format has no " + field + " (rule " + key + ")");
			if (field == "action" && value == "SCMP_ACT_NOTIFY")
				refuse("runtimes refuse SCMP_ACT_NOTIFY in an artifact");
		}
	// Sorted as render_ruleset sorts, without its empty fields (which the
	// runtime spec does not have).
	ordered_json out = ordered_json::object();
	for (const auto& [key, value] : rules.settings.items())
		out[key] = value;
	if (!rules.architectures.empty())
		out["architectures"] = rules.architectures;
	out["syscalls"] = ordered_json::array();
	for (const auto& [key, rule] : rules.rules) {
		ordered_json entry = {{"names", rule.names}};
		for (const auto& [field, value] : rule.conditions.items())
			entry[field] = value;
		out["syscalls"].push_back(entry);
	}
	return out.dump(2) + "\n";
}

std::string write_oci_artifact(const std::string& dir, const std::string& tag, const std::string& profile)
{
	// The distribution spec's tag grammar.
	static const std::regex kTag("[A-Za-z0-9_][A-Za-z0-9._-]{0,127}");
	if (!std::regex_match(tag, kTag))
		refuse("'" + tag + "' is not a tag (letters, digits, '_', '.', '-'; at most 128)");
	if (profile.size() > kMaxArtifactBytes)
		refuse("the profile is over " + std::to_string(kMaxArtifactBytes) + " bytes, which runtimes refuse");

	open_dir(dir);
	open_dir(dir + "/blobs");
	std::string sha = dir + "/blobs/sha256";
	ordered_json config = put_blob(sha, kSeccompArtifactType, "{}");
	ordered_json layer = put_blob(sha, kLayerType, profile);
	layer["annotations"] = {{"org.opencontainers.image.title", "profile.json"}};
	ordered_json manifest = {{"schemaVersion", 2},
				 {"mediaType", kManifestType},
				 {"artifactType", kSeccompArtifactType},
				 {"config", config},
				 {"layers", ordered_json::array({layer})}};
	ordered_json entry = put_blob(sha, kManifestType, manifest.dump());
	entry["annotations"] = {{"org.opencontainers.image.ref.name", tag}};

	// The index: the layout's other entries kept, this tag's replaced.
	OutputFile index_file(open_dir(dir), "index.json", dir + "/index.json");
	ordered_json index = {{"schemaVersion", 2}, {"manifests", ordered_json::array()}};
	if (auto text = index_file.read_unless({}, kMaxIndexBytes)) {
		auto old = try_parse_json<ordered_json>(*text);
		if (!old || !old->is_object() || !(*old)["manifests"].is_array())
			refuse(dir + "/index.json is not an OCI image index");
		index = std::move(*old);
	}
	ordered_json kept = ordered_json::array();
	for (const ordered_json& m : index["manifests"])
		if (!(m.is_object() && m.contains("annotations") && m["annotations"].is_object() &&
		      m["annotations"].value("org.opencontainers.image.ref.name", "") == tag))
			kept.push_back(m);
	kept.push_back(entry);
	index["manifests"] = kept;
	OutputFile(open_dir(dir), "oci-layout", dir + "/oci-layout")
		.write_atomically(R"({"imageLayoutVersion":"1.0.0"})");
	index_file.write_atomically(index.dump());
	return entry["digest"].get<std::string>();
}
