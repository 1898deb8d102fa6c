// SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
// The prestart hook: reads the container's state on stdin, decides from its
// annotation whether and where to record, checks every path before anything
// runs, and starts the recording child (or, without BPF privilege, asks the
// recording service to); returns once it records.
#pragma once

#include <chrono>
#include <string>

#include "recording/job.h"
#include "service/protocol.h"

struct HookOptions {
	std::chrono::milliseconds timeout{10000}; // for the recording to start
	std::string profile_dir;
	std::string log_file;
	bool verbose = false;
	RecordingOptions recording;
	// Where the recording service listens, for a hook without BPF privilege.
	std::string service_socket = kServiceSocket;
};

// The exit status for the runtime: 0 when recording (or nothing asked);
// throws with the one-line reason otherwise.
int prestart(const HookOptions& opts);
