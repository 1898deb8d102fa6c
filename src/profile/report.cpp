// SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
#include "profile/report.h"

#include <nlohmann/json.hpp>

#ifndef RECORDER_VERSION
#error "RECORDER_VERSION must be defined by the build"
#endif

std::string utc_time(const struct timespec& t)
{
	std::tm tm{};
	::gmtime_r(&t.tv_sec, &tm);
	char buf[40];
	size_t n = std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm);
	std::snprintf(buf + n, sizeof(buf) - n, ".%03ldZ", t.tv_nsec / 1000000);
	return buf;
}

std::string render_report(const Report& r)
{
	nlohmann::ordered_json j;
	j["recorder"] = "oci-seccomp-recorder " RECORDER_VERSION;
	j["profile"] = r.profile;
	j["container"] = {{"id", r.container_id}};
	if (r.container_name)
		j["container"]["name"] = *r.container_name;
	j["underSeccomp"] = r.under_seccomp ? nlohmann::ordered_json(*r.under_seccomp) : nlohmann::ordered_json(nullptr);
	j["started"] = utc_time(r.started);
	j["ended"] = utc_time(r.ended);
	j["endedBy"] = r.ended_by;
	j["recorded"] = r.recorded;
	j["denied"] = r.denied;
	j["killed"] = r.killed;
	j["workloadDenied"] = r.workload_denied;
	j["untrackedProcesses"] = r.untracked;
	return j.dump(2) + "\n";
}
