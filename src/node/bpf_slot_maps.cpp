// SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
#include "node/bpf_slot_maps.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include <cerrno>
#include <cstring>

#include "base/error.h"
#include "base/log.h"
#include "node/recording_info.h"
#include "node/skeleton.h"

namespace {

// BpfSlotMaps::Bitmap's maps, in its order.
constexpr std::array kBitmapNames = {SKELETON_MAP(seen), SKELETON_MAP(denied), SKELETON_MAP(killed)};

// Every entry of a map, read in batches: a few syscalls (one for the slots),
// where a walk by key takes two per entry (tens of thousands with 1024
// recordings). A batch must hold a whole hash bucket; ours hold a handful.
template <typename Key, typename Value>
std::vector<std::pair<Key, Value>> map_entries(int fd, const char* what)
{
	constexpr __u32 kBatch = 1024;
	std::vector<std::pair<Key, Value>> out;
	std::vector<Key> keys(kBatch);
	std::vector<Value> values(kBatch);
	uint32_t in = 0, next = 0;
	for (bool first = true;; first = false) {
		__u32 count = kBatch;
		int err = bpf_map_lookup_batch(fd, first ? nullptr : &in, &next, keys.data(), values.data(), &count, nullptr);
		int saved = errno;
		for (__u32 i = 0; i < count; ++i)
			out.emplace_back(keys[i], values[i]);
		if (err < 0 && saved == ENOENT)
			return out; // past the last entry
		if (err < 0)
			check_bpf(-saved, what);
		in = next;
	}
}

} // namespace

// libbpf returns negative errnos and codes of its own (from 4000 up).
void check_bpf(int err, const std::string& what)
{
	if (err >= 0)
		return;
	char reason[256];
	libbpf_strerror(err, reason, sizeof(reason));
	throw Error(what + ": " + reason);
}

UniqueFd get_pinned(const std::string& path)
{
	int fd = bpf_obj_get(path.c_str());
	if (fd < 0)
		check_bpf(-errno, "open pinned " + path);
	return UniqueFd(fd);
}

BpfSlotMaps::BpfSlotMaps(const std::string& dir)
{
	auto map = [&](const char* name) { return get_pinned(dir + "/" + name); };
	pidns_ = map(SKELETON_MAP(pidns));
	targets_ = map(SKELETON_MAP(targets));
	membership_ = map(SKELETON_MAP(membership));
	newborn_ = map(SKELETON_MAP(newborn));
	gated_ = map(SKELETON_MAP(gated));
	slots_ = map(SKELETON_MAP(slots));
	args_ = map(SKELETON_MAP(arg_values));
	settings_ = map(SKELETON_MAP(settings));
	stacked_ = map(SKELETON_MAP(stacked));
	for (size_t i = 0; i < bitmaps_.size(); ++i)
		bitmaps_[i] = map(kBitmapNames[i]);
}

std::vector<struct slot> BpfSlotMaps::read_slots() const
{
	std::vector<struct slot> all(MAX_RECORDINGS);
	for (const auto& [index, s] : map_entries<uint32_t, struct slot>(slots_.get(), "read recorder slots"))
		if (index < MAX_RECORDINGS)
			all[index] = s;
	return all;
}

struct slot BpfSlotMaps::read_slot(uint32_t index) const
{
	struct slot s = {};
	check_bpf(bpf_map_lookup_elem(slots_.get(), &index, &s), "read recorder slot");
	return s;
}

void BpfSlotMaps::write_slot(uint32_t index, const struct slot& s)
{
	check_bpf(bpf_map_update_elem(slots_.get(), &index, &s, BPF_ANY), "write recorder slot");
}

struct settings BpfSlotMaps::read_settings() const
{
	uint32_t zero = 0;
	struct settings set = {};
	check_bpf(bpf_map_lookup_elem(settings_.get(), &zero, &set), "read BPF recorder settings");
	return set;
}

void BpfSlotMaps::write_settings(const struct settings& set)
{
	uint32_t zero = 0;
	check_bpf(bpf_map_update_elem(settings_.get(), &zero, &set, BPF_ANY), "update BPF recorder settings");
}

bool BpfSlotMaps::add_target(const struct target_key& key, uint32_t index)
{
	if (bpf_map_update_elem(targets_.get(), &key, &index, BPF_NOEXIST) == 0)
		return true;
	if (errno == EEXIST)
		return false;
	check_bpf(-errno, "add container to BPF filter");
	return false;
}

std::optional<uint32_t> BpfSlotMaps::target_slot(const struct target_key& key) const
{
	uint32_t index = 0;
	if (bpf_map_lookup_elem(targets_.get(), &key, &index) == 0)
		return index;
	return std::nullopt;
}

void BpfSlotMaps::remove_target(const struct target_key& key)
{
	bpf_map_delete_elem(targets_.get(), &key);
}

uint32_t BpfSlotMaps::pidns_count(uint32_t pidns) const
{
	uint32_t count = 0;
	bpf_map_lookup_elem(pidns_.get(), &pidns, &count);
	return count;
}

void BpfSlotMaps::set_pidns_count(uint32_t pidns, uint32_t count)
{
	if (count == 0)
		bpf_map_delete_elem(pidns_.get(), &pidns);
	else
		check_bpf(bpf_map_update_elem(pidns_.get(), &pidns, &count, BPF_ANY), "add PID namespace to BPF filter");
}

void BpfSlotMaps::clear_bitmaps(uint32_t index)
{
	struct seen_bitmap none = {};
	for (const UniqueFd& map : bitmaps_)
		check_bpf(bpf_map_update_elem(map.get(), &index, &none, BPF_ANY), "clear recorder slot");
}

void BpfSlotMaps::track(int pidfd, const struct member& m)
{
	// Task storage is set through a pidfd: the process's main thread.
	check_bpf(bpf_map_update_elem(membership_.get(), &pidfd, &m, BPF_ANY), "track container init");
}

void BpfSlotMaps::forget_entries(uint32_t index, uint32_t generation)
{
	for (const UniqueFd* map : {&gated_, &newborn_})
		for (const auto& [task, member] : map_entries<uint32_t, struct member>(map->get(), "read BPF task map"))
			if (member.slot == index && member.generation == generation)
				bpf_map_delete_elem(map->get(), &task);
	for (const struct arg_key& key : arg_keys(index, generation))
		bpf_map_delete_elem(args_.get(), &key);
	for (const auto& [key, unused] : stacked_refusals(index, generation))
		bpf_map_delete_elem(stacked_.get(), &key);
}

void BpfSlotMaps::forget_status(uint32_t index)
{
	forget_recording_info(index);
}

struct seen_bitmap BpfSlotMaps::read_bitmap(Bitmap which, uint32_t index) const
{
	size_t i = static_cast<size_t>(which);
	struct seen_bitmap bits = {};
	check_bpf(bpf_map_lookup_elem(bitmaps_[i].get(), &index, &bits), std::string("read BPF map ") + kBitmapNames[i]);
	return bits;
}

std::vector<struct arg_key> BpfSlotMaps::arg_keys(uint32_t index, uint32_t generation) const
{
	std::vector<struct arg_key> keys;
	for (const auto& [key, unused] : map_entries<struct arg_key, uint8_t>(args_.get(), "read argument values"))
		if (key.slot == index && key.generation == generation)
			keys.push_back(key);
	return keys;
}

std::vector<std::pair<struct refusal_key, struct refusal>> BpfSlotMaps::stacked_refusals(uint32_t index,
											uint32_t generation) const
{
	std::vector<std::pair<struct refusal_key, struct refusal>> mine;
	for (const auto& entry : map_entries<struct refusal_key, struct refusal>(stacked_.get(), "read stacked refusals"))
		if (entry.first.slot == index && entry.first.generation == generation)
			mine.push_back(entry);
	return mine;
}
