// SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
#include "oci/annotation.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "base/error.h"
#include "base/json_text.h"

namespace {

std::string_view trim(std::string_view s)
{
	const char* ws = " \t\r\n";
	size_t b = s.find_first_not_of(ws);
	if (b == std::string_view::npos)
		return {};
	return s.substr(b, s.find_last_not_of(ws) - b + 1);
}

// A key that takes one of two words, at most once: `yes` sets it true.
void set_choice(std::optional<bool>& field, const std::string& key, const std::string& word, const char* yes,
		const char* no)
{
	if (field)
		throw Error(key + " given more than once");
	if (word != yes && word != no)
		throw Error(key + " takes " + yes + " or " + no + ", not '" + word + "'");
	field = word == yes;
}

} // namespace

Request parse_annotation(std::string_view value)
{
	std::string prefix = std::string(kAnnotation) + ": ";
	if (trim(value).empty())
		throw Error(prefix + "empty annotation");

	Request req;
	bool have_output = false;
	size_t pos = 0;
	for (;;) {
		size_t end = value.find(';', pos);
		std::string_view item = trim(value.substr(pos, end == std::string_view::npos ? end : end - pos));
		if (item.empty())
			throw Error(prefix + "empty entry between ';'");
		size_t colon = item.find(':');
		if (colon == std::string_view::npos)
			throw Error(prefix + "entry '" + std::string(item) + "' is not KEY:PATH");
		std::string_view key = trim(item.substr(0, colon));
		std::string path(trim(item.substr(colon + 1)));
		if (path.empty())
			throw Error(prefix + std::string(key) + ": has an empty path");
		if (key == "of") {
			if (have_output)
				throw Error(prefix + "of: given more than once");
			req.output = std::move(path);
			have_output = true;
		} else if (key == "if") {
			if (req.input)
				throw Error(prefix + "if: given more than once");
			req.input = std::move(path);
		} else if (key == "args") {
			set_choice(req.arg_rules, prefix + "args:", path, "on", "off");
		} else if (key == "denied") {
			set_choice(req.allow_denied, prefix + "denied:", path, "allow", "list");
		} else {
			throw Error(prefix + "unknown key '" + std::string(key) + "' (expected of:, if:, args: or denied:)");
		}
		if (end == std::string_view::npos)
			break;
		pos = end + 1;
	}
	if (!have_output)
		throw Error(prefix + "no of: output profile given");
	return req;
}

namespace {

// CRI-O's and containerd's annotations for a container of a pod (CRI-O's
// ContainerType is "sandbox" or "container"; containerd's container-type
// "sandbox" or "container").
constexpr const char* kContainerTypes[] = {"io.kubernetes.cri-o.ContainerType", "io.kubernetes.cri.container-type"};
constexpr const char* kContainerMetadata = "io.kubernetes.cri-o.Metadata"; // {"name":"web","attempt":0}
constexpr const char* kContainerNames[] = {"io.kubernetes.cri.container-name", "io.kubernetes.container.name"};

} // namespace

std::optional<std::string> container_name(const std::map<std::string, std::string>& annotations)
{
	if (auto it = annotations.find(kContainerMetadata); it != annotations.end()) {
		auto metadata = try_parse_json(it->second).value_or(nullptr);
		auto name = metadata.is_object() ? metadata.find("name") : metadata.end();
		if (!metadata.is_object() || name == metadata.end() || !name->is_string())
			throw Error(std::string(kContainerMetadata) + " is not {\"name\": ...}");
		return name->get<std::string>();
	}
	for (const char* key : kContainerNames)
		if (auto it = annotations.find(key); it != annotations.end())
			return it->second;
	return std::nullopt;
}

std::optional<SelectedAnnotation> select_annotation(const std::map<std::string, std::string>& annotations)
{
	for (const char* key : kContainerTypes)
		if (auto type = annotations.find(key); type != annotations.end() && type->second == "sandbox")
			return std::nullopt;
	const std::string plain(kAnnotation);
	// Only keys of the per-container form make the container's name matter.
	auto first_named = annotations.lower_bound(plain + "/");
	bool has_named = first_named != annotations.end() && first_named->first.starts_with(plain + "/");
	if (has_named) {
		if (auto name = container_name(annotations)) {
			auto it = annotations.find(plain + "/" + *name);
			if (it != annotations.end())
				return SelectedAnnotation{it->first, it->second};
		}
	}
	if (auto it = annotations.find(plain); it != annotations.end())
		return SelectedAnnotation{it->first, it->second};
	return std::nullopt;
}

std::optional<std::string> tenant_of(const std::map<std::string, std::string>& annotations)
{
	for (const char* key : {"io.kubernetes.cri-o.Namespace", "io.kubernetes.cri.sandbox-namespace"}) {
		auto it = annotations.find(key);
		if (it == annotations.end())
			continue;
		const std::string& ns = it->second;
		bool label = !ns.empty() && ns.size() <= 63 && ns.front() != '-' && ns.back() != '-' &&
			     std::all_of(ns.begin(), ns.end(), [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'; });
		if (!label)
			throw Error(std::string(key) + " '" + ns + "' is not a Kubernetes namespace name");
		return ns;
	}
	return std::nullopt;
}
