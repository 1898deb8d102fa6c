// SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
// The bookkeeping of the node program's recording slots: who may take
// which, what a recording adds to the shared maps and takes away again,
// and the slots of tracing children that died. It sees the maps through
// SlotMaps, so that it can be tested without a kernel.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <set>
#include <vector>

#include <linux/types.h>
#include "bpf/recorder_types.h"
#include "profile/syscalls.h"

// The maps the bookkeeping reads and writes (NodeProgram's in the kernel).
class SlotMaps {
public:
	virtual ~SlotMaps() = default;
	// All MAX_RECORDINGS slots, by index.
	virtual std::vector<struct slot> read_slots() const = 0;
	virtual struct slot read_slot(uint32_t index) const = 0;
	virtual void write_slot(uint32_t index, const struct slot& s) = 0;
	virtual struct settings read_settings() const = 0;
	virtual void write_settings(const struct settings& set) = 0;
	// False if another slot has these namespaces.
	virtual bool add_target(const struct target_key& key, uint32_t index) = 0;
	virtual std::optional<uint32_t> target_slot(const struct target_key& key) const = 0;
	virtual void remove_target(const struct target_key& key) = 0;
	// Recordings of a PID namespace; setting 0 removes it.
	virtual uint32_t pidns_count(uint32_t pidns) const = 0;
	virtual void set_pidns_count(uint32_t pidns, uint32_t count) = 0;
	// Empties a slot's seen, denied and killed bitmaps.
	virtual void clear_bitmaps(uint32_t index) = 0;
	// Sets the task storage of the process behind `pidfd`.
	virtual void track(int pidfd, const struct member& m) = 0;
	// Removes the entries of one recording's tasks and values (gated,
	// newborn, argument values), by its slot and generation: no later
	// recording has them, so this needs no lock.
	virtual void forget_entries(uint32_t index, uint32_t generation) = 0;
	// Removes what status shows of a slot's recording.
	virtual void forget_status(uint32_t index) = 0;
};

// Whoever claims a slot: the tracing child that will free it.
struct SlotOwner {
	pid_t pid;
	uint64_t start; // see ProcStat
};

// What a recording is of.
struct ClaimRequest {
	uint32_t pidns;
	uint32_t mntns;
	pid_t init_pid;
	int init_pidfd;
	bool watch_denied;
	bool arg_rules;
};

class SlotTable {
public:
	// Whether a slot's owner still runs.
	using OwnerAlive = std::function<bool(const struct slot&)>;
	SlotTable(SlotMaps& maps, OwnerAlive owner_alive);

	// Takes a free slot for `req` and returns its index. Frees first the
	// slots of owners that are gone: at most kOwnerChecksPerClaim in-use
	// slots looked at, in turn round the table, or all when it is full.
	uint32_t claim(const ClaimRequest& req, const SlotOwner& owner);
	// Gives a slot back, and what its recording added to the maps.
	void free(uint32_t index);
	// Gives a slot back, leaving its recording's entries in the maps (the
	// part of free whose time grows with the maps' sizes) for forget(),
	// which needs no lock. Returns the recording's generation.
	uint32_t release(uint32_t index);
	void forget(uint32_t index, uint32_t generation) { maps_.forget_entries(index, generation); }
	// Frees the slots of every owner that is gone; returns how many.
	size_t free_stale();

	// A slot in use, and whether its owner still runs.
	struct InUse {
		uint32_t index;
		struct slot slot;
		bool owner_alive;
	};
	std::vector<InUse> in_use() const;
	// Whether any slot is in use; whether any in use watches denials.
	bool any_in_use() const;
	bool any_watching_denials() const;

	// In-use slots a claim checks the owners of; a slot left by an owner
	// that died is freed within MAX_RECORDINGS / this claims (at once while
	// fewer recordings run).
	static constexpr size_t kOwnerChecksPerClaim = 16;

private:
	size_t free_stale(const std::vector<struct slot>& slots, uint32_t from, size_t at_most);
	// One recording more (+1) or less (-1) of a PID namespace: its count,
	// the host's, and the epoch that has tasks look theirs up again.
	void count_pidns(uint32_t pidns, int delta);

	SlotMaps& maps_;
	OwnerAlive owner_alive_;
};

// The (ABI, syscall number) pairs whose bits are set in a recording's bitmap
// (SEEN_BIT).
std::set<SyscallId> syscalls_in(const struct seen_bitmap& bits);
