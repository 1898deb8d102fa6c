// SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
#include "node/recordings.h"

#include "node/node_program.h"

std::vector<Running> running_recordings()
{
	std::optional<NodeProgram> program = NodeProgram::open_pinned();
	std::vector<Running> out;
	if (!program)
		return out;
	for (const SlotTable::InUse& used : program->slots_in_use()) {
		size_t count = syscalls_in(program->read_bitmap(NodeProgram::Bitmap::kSeen, used.index)).size();
		out.push_back({used, load_recording_info(used.index), count});
	}
	return out;
}

std::string container_of(const Running& r)
{
	return r.info ? r.info->container_id : "?";
}

nlohmann::ordered_json recordings_json(const std::vector<Running>& all, std::optional<uid_t> owner)
{
	nlohmann::ordered_json list = nlohmann::ordered_json::array();
	for (const Running& r : all) {
		if (owner && !(r.info && r.info->owner == owner))
			continue;
		nlohmann::ordered_json entry = {{"slot", r.used.index},	   {"container", nullptr},
						{"owner", nullptr},	   {"pid", r.used.slot.init_tgid},
						{"profile", nullptr},	   {"started", nullptr},
						{"syscalls", r.syscalls},
						{"tracer", {{"pid", r.used.slot.owner_pid}, {"alive", r.used.owner_alive}}}};
		if (r.info) {
			entry["container"] = r.info->container_id;
			if (r.info->owner)
				entry["owner"] = *r.info->owner;
			entry["profile"] = r.info->profile;
			entry["started"] = r.info->started;
		}
		list.push_back(std::move(entry));
	}
	return list;
}
