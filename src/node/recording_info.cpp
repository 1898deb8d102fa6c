// SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
#include "node/recording_info.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <nlohmann/json.hpp>

#include "base/error.h"
#include "base/fd.h"
#include "base/json_text.h"
#include "base/output_file.h"

namespace {

constexpr const char* kDir = "/run/oci-seccomp-recorder";
constexpr size_t kMaxInfoBytes = 64 << 10;

constexpr const char* kLingering = "lingering.json";

std::string file_name(uint32_t slot)
{
	return "slot-" + std::to_string(slot) + ".json";
}

UniqueFd open_dir()
{
	return UniqueFd(::open(kDir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
}

} // namespace

std::string render_recording_info(const RecordingInfo& info)
{
	nlohmann::ordered_json j = {
		{"container", info.container_id}, {"pid", info.pid}, {"profile", info.profile}, {"started", info.started}};
	if (info.owner)
		j["owner"] = *info.owner;
	return j.dump() + "\n";
}

RecordingInfo parse_recording_info(const std::string& text)
{
	nlohmann::json j = parse_json(text, "recording info");
	auto string_at = [&](const char* key) {
		auto it = j.find(key);
		if (it == j.end() || !it->is_string())
			throw Error(std::string("recording info has no string ") + key);
		return it->get<std::string>();
	};
	auto pid = j.is_object() ? j.find("pid") : j.end();
	if (!j.is_object() || pid == j.end() || !pid->is_number_integer())
		throw Error("recording info is not an object with a pid");
	std::optional<uid_t> owner;
	if (auto it = j.find("owner"); it != j.end()) {
		if (!it->is_number_unsigned() || it->get<uint64_t>() > UINT32_MAX)
			throw Error("recording info's owner is not a uid");
		owner = it->get<uid_t>();
	}
	return RecordingInfo{string_at("container"), pid->get<int>(), string_at("profile"), string_at("started"), owner};
}

void save_recording_info(uint32_t slot, const RecordingInfo& info)
{
	if (::mkdir(kDir, 0700) < 0 && errno != EEXIST)
		throw_errno(std::string("create ") + kDir);
	UniqueFd dir = open_dir();
	if (!dir)
		throw_errno(std::string("open ") + kDir);
	std::string name = file_name(slot);
	OutputFile(std::move(dir), name, std::string(kDir) + "/" + name).write_atomically(render_recording_info(info), 0600);
}

std::optional<RecordingInfo> load_recording_info(uint32_t slot)
{
	UniqueFd dir = open_dir();
	if (!dir)
		return std::nullopt;
	UniqueFd fd(::openat(dir.get(), file_name(slot).c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
	if (!fd)
		return std::nullopt;
	try {
		return parse_recording_info(read_capped(fd.get(), kMaxInfoBytes, file_name(slot)));
	} catch (const std::exception&) {
		return std::nullopt; // no information: status says so
	}
}

void forget_recording_info(uint32_t slot)
{
	if (UniqueFd dir = open_dir())
		::unlinkat(dir.get(), file_name(slot).c_str(), 0);
}

void save_lingering(const Lingering& lingering)
{
	if (::mkdir(kDir, 0700) < 0 && errno != EEXIST)
		throw_errno(std::string("create ") + kDir);
	UniqueFd dir = open_dir();
	if (!dir)
		throw_errno(std::string("open ") + kDir);
	nlohmann::ordered_json j = {{"since", lingering.since}, {"until", lingering.until}, {"waiter", lingering.waiter},
				   {"waiter_start", lingering.waiter_start}};
	OutputFile(std::move(dir), kLingering, std::string(kDir) + "/" + kLingering).write_atomically(j.dump() + "\n", 0600);
}

std::optional<Lingering> load_lingering()
{
	UniqueFd dir = open_dir();
	UniqueFd fd(dir ? ::openat(dir.get(), kLingering, O_RDONLY | O_NOFOLLOW | O_CLOEXEC) : -1);
	if (!fd)
		return std::nullopt;
	try {
		nlohmann::json j = parse_json(read_capped(fd.get(), kMaxInfoBytes, kLingering), kLingering);
		return Lingering{j.at("since").get<int64_t>(), j.at("until").get<int64_t>(), j.at("waiter").get<int>(),
				 j.at("waiter_start").get<uint64_t>()};
	} catch (const std::exception&) {
		return std::nullopt;
	}
}

void forget_lingering()
{
	if (UniqueFd dir = open_dir())
		::unlinkat(dir.get(), kLingering, 0);
}

void forget_all_recording_info()
{
	::rmdir(kDir); // fails, as it should, while a file is left
}
