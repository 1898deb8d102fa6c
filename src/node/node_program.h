// SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
// The node's one recorder program. The first recording loads it, pins it in
// bpffs and attaches it, every later one shares it, and the last one out
// detaches it: one program on sys_enter however many containers are
// recorded, and none attached when none is. Detached, it lingers, loaded,
// for a while (--linger), so that the next recording only attaches it;
// then, or at cleanup, it is unpinned and unloaded.
// Every change happens under the node lock; the slots' bookkeeping is
// SlotTable's.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "node/bpf_slot_maps.h"
#include "node/node_lock.h"
#include "node/slot_table.h"
#include "node/target.h"

class NodeProgram {
public:
	// The pinned program's maps; loads, pins and attaches it first if no
	// recording on the node has it, relocated against the BTF cached in
	// `btf_cache_dir` if there is (see BtfCache; empty: no cache).
	NodeProgram(const NodeLock& lock, const std::string& btf_cache_dir);
	// After a load without the BTF cache: writes it, for the next first
	// load. Slow (it parses the kernel's BTF): call it once the container
	// runs. Failures are logged.
	void write_btf_cache() const;

	// Takes a free slot and starts recording the target into it (see
	// SlotTable::claim). With `watch_denied` (the container runs under a
	// seccomp filter) it also notes what the filter denies, attaching the
	// sys_exit program while any recording does. With `arg_rules`, it keeps
	// the argument values of enum arg_syscall's syscalls too.
	uint32_t claim(const NodeLock& lock, const Target& target, bool watch_denied, bool arg_rules);
	// Stops recording into the slot and frees it. When it was the last slot
	// in use, detaches the program and leaves it loaded for `linger` (then
	// lingering() is true: see expire()), or unloads it all if that is 0.
	// Returns the recording's generation, whose entries in the maps are
	// left for forget().
	uint32_t release(const NodeLock& lock, uint32_t slot, std::chrono::seconds linger);
	bool lingering() const { return lingering_; }
	// Unloads a lingering program whose time is up; false if it is gone,
	// recording again, or lingers on for a later recording's time.
	static bool expire(const NodeLock& lock);
	// Removes a released recording's entries, without the node lock: at a
	// mass exit, the part of a release that takes time in proportion to the
	// maps' sizes keeps no other recording waiting.
	void forget(uint32_t slot, uint32_t generation);

	using Bitmap = BpfSlotMaps::Bitmap;
	struct slot read_slot(uint32_t slot) const;
	struct seen_bitmap read_bitmap(Bitmap which, uint32_t slot) const;
	// A recording's kept argument values: (rule, value) pairs.
	std::vector<std::pair<uint32_t, uint64_t>> read_arg_values(uint32_t slot) const;
	// A recording's refusals under filters its workload stacked (see
	// struct refusal).
	std::vector<std::pair<struct refusal_key, struct refusal>> read_stacked_refusals(uint32_t slot) const;

	// After a tracing child died without cleaning up (killed, say, half-way
	// through loading), and for cleanup: frees the slots of children that
	// are gone, and removes everything if no recording is left (a lingering
	// program too). Returns how many it freed.
	static size_t tidy(const NodeLock& lock);

	// The program this build pinned, opened without loading; none when no
	// recording runs on the node.
	static std::optional<NodeProgram> open_pinned();
	std::vector<SlotTable::InUse> slots_in_use();

private:
	// Opens what is pinned in `dir`, without loading.
	explicit NodeProgram(std::string dir);
	// The slots, their owners checked through /proc.
	SlotTable slots();
	void unload_if_idle(std::chrono::seconds linger);
	// The sys_exit program attached exactly while an in-use slot watches.
	void update_exit_program();

	std::string dir_;
	std::string uncached_btf_; // the BTF cache dir to write, after a load without it
	std::optional<BpfSlotMaps> maps_;
	bool lingering_ = false;
};
