// SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
// The caller's side of the recording service: the hook's, for a container
// it cannot record itself (rootless podman runs it in a user namespace,
// without BPF privilege on the node), into the user's own directory; and a
// user's status.
#pragma once

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>

// $XDG_DATA_HOME/oci-seccomp-profiles, or ~/.local/share/oci-seccomp-profiles;
// throws if the environment names neither as an absolute path.
std::string user_profile_dir();

// Asks the service at `socket` to record the container of `state_json`
// (its state as the runtime gave it), into `profile_dir` (created 0700 if
// missing), and waits up to `timeout` for it to record. Throws with the
// service's one-line reason.
void request_recording(const std::string& state_json, const std::string& bundle, const std::string& profile_dir,
		       const std::string& socket, std::chrono::milliseconds timeout);

// The caller's own recordings, as the service at `socket` sees them (what
// status --json prints), within `timeout`.
nlohmann::json request_status(const std::string& socket, std::chrono::milliseconds timeout);
