// SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
// The tracing child: forked by the hook (or the recording service's child),
// records the container until its init exits, then writes the profile.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "recording/job.h"

// Forks the tracing child and returns once it is recording. Throws with the
// child's one-line reason if it failed, or if it did not get there within
// `timeout`; the child is then killed and reaped.
void start_recording_child(RecordingJob job, std::chrono::milliseconds timeout);

// Records in this process until the container's init exits (the recording
// service's child for one caller): says "ready", or "error: " and why not,
// on `ready_fd` as the forked child does, then closes it. Returns the exit
// status.
int record_here(const RecordingJob& job, int ready_fd);
