// SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
#include "hook/prestart.h"

#include <unistd.h>

#include "base/error.h"
#include "base/log.h"
#include "base/proc_stat.h"
#include "hook/recording_child.h"
#include "node/target.h"
#include "oci/annotation.h"
#include "oci/bundle.h"
#include "oci/state.h"
#include "profile/profile.h"
#include "profile/profile_dir.h"
#include "profile/seccompprofile.h"

int prestart(const HookOptions& opts)
{
	State state = read_state(STDIN_FILENO);
	std::optional<SelectedAnnotation> annotation = select_annotation(state.annotations);
	if (!annotation) {
		logging::info("container " + state.id + ": no " + std::string(kAnnotation) +
			      " annotation for it: nothing to record");
		return 0;
	}
	Request req = parse_annotation(annotation->value);
	// Rootless podman runs its hooks in its own user namespace, where the
	// node's BPF program can be neither loaded nor joined.
	if (!in_initial_user_namespace())
		throw Error("container " + state.id +
			    ": rootless containers cannot be recorded: recording needs BPF privilege in the node's "
			    "initial user namespace, and this hook runs in a user namespace (rootless podman's)");

	ProfileDir dir(opts.profile_dir);
	if (std::optional<std::string> tenant = tenant_of(state.annotations))
		dir = dir.subdir(*tenant); // of: and if: resolve in the namespace's own directory
	std::optional<InputProfile> input;
	if (req.input)
		input = parse_input_profile(dir.read(*req.input, kMaxInputProfileBytes));
	OutputFile output = dir.output(req.output);
	std::optional<ResourceOutput> resource;
	if (opts.seccompprofile) {
		resource = ResourceOutput{dir.output(beside(req.output, ".seccompprofile.yaml")), resource_name(req.output)};
		// Refused now, not after the recording: what the input has, the output has.
		if (input)
			render_seccompprofile(input->rules, resource->name);
	}
	Report report;
	report.container_id = state.id;
	report.container_name = container_name(state.annotations);
	report.profile = output.display();
	std::optional<nlohmann::json> seccomp = seccomp_config(state.bundle);
	report.under_seccomp = seccomp ? std::optional(!seccomp->is_null()) : std::nullopt;
	std::optional<ContainerFilter> filter;
	if (seccomp && !seccomp->is_null()) {
		try {
			filter.emplace(*seccomp);
		} catch (const std::exception& e) {
			logging::warn(std::string(e.what()) + ": every refusal will count as the container's");
		}
	}
	ReportOutput report_output{dir.output(beside(req.output, ".report.json")), std::move(report)};
	Target target = resolve_target(state.pid);

	std::string display = output.display();
	start_recording_child(RecordingJob{std::move(target), std::move(output), std::move(resource), std::move(report_output),
			      std::move(input), std::move(filter), opts.btf_cache_dir, req.allow_denied.value_or(opts.allow_denied),
			      req.arg_rules.value_or(opts.arg_rules)},
		     opts.timeout);
	logging::info("container " + state.id + ": recording into " + display + " (" + annotation->key + ")");
	return 0;
}

