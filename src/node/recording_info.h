// SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
// What `status` shows of a recording that its BPF slot does not hold: one
// small file per slot in /run/oci-seccomp-recorder, written by the tracing
// child once it records and removed with the slot (also when a later
// recording frees the slot of a child that died).
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>

struct RecordingInfo {
	std::string container_id;
	int pid = 0;         // the container's init, on the host
	std::string profile; // where the profile goes
	std::string started; // RFC 3339, UTC
	std::optional<uid_t> owner; // whom the recording service records it for; none: the node's
};

std::string render_recording_info(const RecordingInfo& info);
// Refuses what render_recording_info did not write.
RecordingInfo parse_recording_info(const std::string& text);

void save_recording_info(uint32_t slot, const RecordingInfo& info);
// None if the slot has no file (not written yet, or removed).
std::optional<RecordingInfo> load_recording_info(uint32_t slot);
void forget_recording_info(uint32_t slot);

// The node's program lingers, detached: since when and until when (seconds
// since the epoch), and the process that unloads it then.
struct Lingering {
	int64_t since = 0;
	int64_t until = 0;
	int waiter = 0;            // its pid
	uint64_t waiter_start = 0; // and start time (see ProcStat)
};
void save_lingering(const Lingering& lingering);
// None if it does not linger (or the file is not ours).
std::optional<Lingering> load_lingering();
void forget_lingering();
// Removes the directory once no recording is left.
void forget_all_recording_info();
