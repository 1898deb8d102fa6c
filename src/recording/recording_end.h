// SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
// The end of a recording, and its snapshots: whether there is a profile at
// all, what overlapping recordings wrote that is merged in, what the report
// says, where a profile goes that its file does not take. It sees the
// recording only through RecordingSource, so the unit tests drive it with a
// fake and a temp directory. Calls profile/ and base/, never the node's
// program itself.
#pragma once

#include <chrono>
#include <ctime>
#include <optional>
#include <string>

#include "base/output_file.h"
#include "recording/recording_child.h"
#include "node/recorder.h"
#include "profile/ruleset.h"

// When this recording began, what its output file was then, its own last
// write, and what others wrote there since it began: another version of the
// file than these two is a recording that overlapped this one.
struct Writes {
	struct timespec started;
	std::optional<FileVersion> at_start;
	std::optional<FileVersion> last;
	std::optional<RuleSet> others;
};

// The node's files for the writers of profiles.
struct ProfileFiles {
	// The lock file of profile writers (see FileLock).
	std::string lock_file = "/run/oci-seccomp-recorder.profiles.lock";
	// Where a profile goes that its own file did not take (a full or broken
	// disk): memory, which the profile dir's disk cannot fill.
	std::string unwritten_dir = "/run/oci-seccomp-recorder-unwritten";
};

// Writes the report, the profile and the resource. False if the profile or
// the resource could not be written: the profile is then saved in
// files.unwritten_dir, and the log names it and has the recorded names, so
// that a full disk loses no recording.
bool write_profile(const RecordingJob& job, const Recorded& rec, Writes& writes, const std::string& ended_by,
		   const ProfileFiles& files);

// The end: reads what was recorded, frees the slot, and writes the profile
// unless the container's process never ran (no syscalls, or its runtime
// never exec'd it). Returns the tracing child's exit status.
int end_recording(const RecordingJob& job, RecordingSource& source, Writes& writes, const std::string& ended_by,
		  const ProfileFiles& files);
