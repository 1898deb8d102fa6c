// SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
#include "node/slot_table.h"

#include <string>

#include "base/error.h"
#include "base/log.h"

namespace {

std::optional<uint32_t> first_free(const std::vector<struct slot>& slots)
{
	for (uint32_t index = 0; index < slots.size(); ++index)
		if (!slots[index].in_use)
			return index;
	return std::nullopt;
}

} // namespace

SlotTable::SlotTable(SlotMaps& maps, OwnerAlive owner_alive) : maps_(maps), owner_alive_(std::move(owner_alive)) {}

uint32_t SlotTable::claim(const ClaimRequest& req, const SlotOwner& owner)
{
	struct settings set = maps_.read_settings();
	std::vector<struct slot> slots = maps_.read_slots();
	if (free_stale(slots, set.tidy_from, kOwnerChecksPerClaim))
		slots = maps_.read_slots();
	std::optional<uint32_t> unused = first_free(slots);
	if (!unused && free_stale(slots, 0, MAX_RECORDINGS)) // full: look at every one
		unused = first_free(maps_.read_slots());
	if (!unused)
		throw Error("already " + std::to_string(MAX_RECORDINGS) + " recordings on this node");

	uint32_t index = *unused;
	set = maps_.read_settings();
	set.tidy_from = (set.tidy_from + kOwnerChecksPerClaim) % MAX_RECORDINGS;
	set.generation++;
	maps_.write_settings(set);
	maps_.clear_bitmaps(index);
	struct slot s = {};
	s.in_use = 1;
	s.pidns = req.pidns;
	s.mntns = req.mntns;
	s.init_tgid = static_cast<uint32_t>(req.init_pid);
	s.owner_pid = static_cast<uint32_t>(owner.pid);
	s.owner_start = owner.start;
	s.generation = set.generation;
	s.members = 1; // the init, tracked below
	s.watch_denied = req.watch_denied ? 1 : 0;
	s.arg_rules = req.arg_rules ? 1 : 0;
	maps_.write_slot(index, s);
	try {
		if (!maps_.add_target({req.pidns, req.mntns}, index))
			throw Error("this container's namespaces are already being recorded");
		count_pidns(req.pidns, +1);
		maps_.track(req.init_pidfd, {index, s.generation});
	} catch (...) {
		free(index);
		throw;
	}
	return index;
}

void SlotTable::free(uint32_t index)
{
	uint32_t generation = release(index);
	forget(index, generation);
}

uint32_t SlotTable::release(uint32_t index)
{
	struct slot s = maps_.read_slot(index);
	struct target_key key = {s.pidns, s.mntns};
	// A claim refused because another slot records these namespaces added
	// nothing: the target and its PID namespace count are the other's.
	if (maps_.target_slot(key) == index) {
		maps_.remove_target(key);
		count_pidns(s.pidns, -1);
	}
	// Its members' task storage, and what forget() removes, is stale once
	// the slot's generation is gone.
	maps_.write_slot(index, {});
	maps_.forget_status(index);
	return s.generation;
}

size_t SlotTable::free_stale()
{
	return free_stale(maps_.read_slots(), 0, MAX_RECORDINGS);
}

size_t SlotTable::free_stale(const std::vector<struct slot>& slots, uint32_t from, size_t at_most)
{
	size_t freed = 0, checked = 0;
	for (uint32_t i = 0; i < slots.size() && checked < at_most; ++i) {
		uint32_t index = (from + i) % slots.size();
		const struct slot& s = slots[index];
		if (!s.in_use)
			continue;
		++checked;
		if (owner_alive_(s))
			continue;
		logging::warn("freeing the slot of tracing child " + std::to_string(s.owner_pid) + ", which is gone");
		free(index);
		++freed;
	}
	return freed;
}

std::vector<SlotTable::InUse> SlotTable::in_use() const
{
	std::vector<InUse> used;
	std::vector<struct slot> all = maps_.read_slots();
	for (uint32_t index = 0; index < all.size(); ++index)
		if (all[index].in_use)
			used.push_back({index, all[index], owner_alive_(all[index])});
	return used;
}

bool SlotTable::any_in_use() const
{
	for (const struct slot& s : maps_.read_slots())
		if (s.in_use)
			return true;
	return false;
}

bool SlotTable::any_watching_denials() const
{
	for (const struct slot& s : maps_.read_slots())
		if (s.in_use && s.watch_denied)
			return true;
	return false;
}

void SlotTable::count_pidns(uint32_t pidns, int delta)
{
	uint32_t count = maps_.pidns_count(pidns);
	maps_.set_pidns_count(pidns, delta > 0 ? count + 1 : count > 0 ? count - 1 : 0);
	struct settings set = maps_.read_settings();
	if (pidns == HOST_PIDNS_INO && (delta > 0 || set.host_recordings > 0))
		set.host_recordings += delta;
	// After the maps, never before: a task that sees the new epoch must
	// find them as they are now when it looks its PID namespace up again.
	set.pidns_epoch++;
	maps_.write_settings(set);
}

std::set<SyscallId> syscalls_in(const struct seen_bitmap& bits)
{
	std::set<SyscallId> ids;
	for (uint32_t word = 0; word < SEEN_WORDS; ++word)
		for (uint32_t bit = 0; bit < 64; ++bit)
			if (bits.words[word] & (1ULL << bit)) {
				uint32_t index = word * 64 + bit; // SEEN_BIT(abi, nr)
				ids.insert(SyscallId{index / MAX_SYSCALL_NR, index % MAX_SYSCALL_NR});
			}
	return ids;
}
