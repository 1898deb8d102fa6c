// SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
// The pinned node program's maps, opened from its pin directory: SlotMaps
// for the slot bookkeeping, and what a recording reads of its slot.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "base/fd.h"
#include "node/slot_table.h"

// Throws "what: reason" for a negative errno or libbpf error code.
void check_bpf(int err, const std::string& what);
// A pinned map, program or link.
UniqueFd get_pinned(const std::string& path);

class BpfSlotMaps : public SlotMaps {
public:
	// The maps pinned in `dir` (see NodeProgram) that the bookkeeping and
	// a recording's reads use.
	explicit BpfSlotMaps(const std::string& dir);

	std::vector<struct slot> read_slots() const override;
	struct slot read_slot(uint32_t index) const override;
	void write_slot(uint32_t index, const struct slot& s) override;
	struct settings read_settings() const override;
	void write_settings(const struct settings& set) override;
	bool add_target(const struct target_key& key, uint32_t index) override;
	std::optional<uint32_t> target_slot(const struct target_key& key) const override;
	void remove_target(const struct target_key& key) override;
	uint32_t pidns_count(uint32_t pidns) const override;
	void set_pidns_count(uint32_t pidns, uint32_t count) override;
	void clear_bitmaps(uint32_t index) override;
	void track(int pidfd, const struct member& m) override;
	void forget_entries(uint32_t index, uint32_t generation) override;
	// The slot's file for status (recording_info).
	void forget_status(uint32_t index) override;

	// A recording's bitmaps, one bit per (ABI, syscall): what its container
	// made, what its seccomp filter denied, where its filter killed a task.
	enum class Bitmap { kSeen, kDenied, kKilled };
	struct seen_bitmap read_bitmap(Bitmap which, uint32_t index) const;
	// A recording's kept argument values.
	std::vector<struct arg_key> arg_keys(uint32_t index, uint32_t generation) const;
	// A recording's refusals under filters the workload stacked on the
	// container's (struct refusal_key).
	std::vector<std::pair<struct refusal_key, struct refusal>> stacked_refusals(uint32_t index,
										  uint32_t generation) const;

private:
	UniqueFd pidns_, targets_, membership_, newborn_, gated_, slots_, args_, settings_, stacked_;
	std::array<UniqueFd, 3> bitmaps_; // by Bitmap
};
