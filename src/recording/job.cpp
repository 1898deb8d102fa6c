// SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
#include "recording/job.h"

#include "base/log.h"
#include "profile/seccompprofile.h"

RecordingJob prepare_job(const State& state, const Request& req, ProfileDir dir,
			 const std::optional<nlohmann::json>& seccomp, const RecordingOptions& opts)
{
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
	return RecordingJob{Target{},
			    std::move(output),
			    std::move(resource),
			    std::move(report_output),
			    std::move(input),
			    std::move(filter),
			    opts.btf_cache_dir,
			    req.allow_denied.value_or(opts.allow_denied),
			    req.arg_rules.value_or(opts.arg_rules),
			    std::nullopt,
			    std::chrono::seconds(opts.linger)};
}
