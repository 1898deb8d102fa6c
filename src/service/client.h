// SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
// The hook's side of the recording service, for a container it cannot
// record itself (rootless podman runs it in a user namespace, without BPF
// privilege on the node): the profile goes into the user's own directory.
#pragma once

#include <chrono>
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
