// SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
// The recordings running on the node, as status and stop see them: each
// slot in use, what its tracing child saved about it, and how many
// syscalls it has so far. Root only: the BPF maps are root's.
#pragma once

#include <sys/types.h>

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "node/recording_info.h"
#include "node/slot_table.h"

struct Running {
	SlotTable::InUse used;
	std::optional<RecordingInfo> info; // none: its tracing child has not written it (yet)
	size_t syscalls;
};

// None when nothing is pinned.
std::vector<Running> running_recordings();
// Its container's id; "?" while its info is not written.
std::string container_of(const Running& r);
// As `status --json` prints them: an array of one object per recording;
// with `owner`, only the recordings the recording service makes for that
// user (what a user may see of the node's).
nlohmann::ordered_json recordings_json(const std::vector<Running>& all, std::optional<uid_t> owner = std::nullopt);
