// SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
// The recording service: records containers for callers who cannot (rootless
// podman's hooks), on the socket systemd passes it (oci-seccomp-recorder.socket).
// Each connection gets a child of its own at once, so a slow or hostile
// caller stalls nobody else; the child reads the request by a deadline,
// proves the container is the caller's, opens its files as the caller, and
// then is the recording. A cap per user bounds what one user holds.
#pragma once

#include <chrono>
#include <string>

#include "recording/job.h"

struct ServiceOptions {
	RecordingOptions recording;
	unsigned max_per_user = 4; // requests and recordings under way, per user
	unsigned max_total = 256;  // of all users: the node has 1024 slots
	// For a request to arrive and be checked, and its files opened.
	std::chrono::milliseconds request_deadline{10000};
	std::chrono::seconds idle_exit{120}; // with nothing under way; 0: never
	std::string log_file;
	bool verbose = false;
};

// Serves until idle or told to stop (SIGTERM); recordings under way go on.
// Returns the exit status.
int serve(const ServiceOptions& opts);
