// SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
#include "hook/prestart.h"

#include <unistd.h>

#include "base/error.h"
#include "base/log.h"
#include "base/proc_stat.h"
#include "node/target.h"
#include "oci/annotation.h"
#include "oci/bundle.h"
#include "oci/state.h"
#include "recording/job.h"
#include "recording/recording_child.h"
#include "service/client.h"

int prestart(const HookOptions& opts)
{
	std::string state_json = read_capped(STDIN_FILENO, kMaxStateBytes, "state on stdin");
	State state = parse_state(state_json);
	std::optional<SelectedAnnotation> annotation = select_annotation(state.annotations);
	if (!annotation) {
		logging::info("container " + state.id + ": no " + std::string(kAnnotation) +
			      " annotation for it: nothing to record");
		return 0;
	}
	Request req = parse_annotation(annotation->value);
	// Rootless podman runs its hooks in its own user namespace, where the
	// node's BPF program can be neither loaded nor joined: the recording
	// service records for the user, into the user's own directory.
	if (!node_root()) {
		std::string dir = user_profile_dir();
		request_recording(state_json, state.bundle, dir, opts.service_socket, opts.timeout);
		logging::info("container " + state.id + ": the recording service records it into " + dir + "/" +
			      req.output + " (" + annotation->key + ")");
		return 0;
	}

	RecordingJob job = prepare_job(state, req, ProfileDir(opts.profile_dir), seccomp_config(state.bundle), opts.recording);
	job.target = resolve_target(state.pid);
	std::string display = job.output.display();
	start_recording_child(std::move(job), opts.timeout);
	logging::info("container " + state.id + ": recording into " + display + " (" + annotation->key + ")");
	return 0;
}
