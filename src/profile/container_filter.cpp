// SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
#include "profile/container_filter.h"

#include <linux/types.h>

#include <algorithm>
#include <cerrno>
#include <optional>

#include "base/error.h"
#include "bpf/recorder_types.h"

namespace {

// runc's errno where an SCMP_ACT_ERRNO gives none.
constexpr int kDefaultErrno = EPERM;

ContainerFilter::Decision decision(const std::string& action, const nlohmann::json& errno_ret)
{
	using Answer = ContainerFilter::Answer;
	if (action == "SCMP_ACT_ALLOW" || action == "SCMP_ACT_LOG")
		return {Answer::kAllow};
	if (action == "SCMP_ACT_ERRNO")
		return {Answer::kErrno, errno_ret.is_number_unsigned() ? errno_ret.get<int>() : kDefaultErrno};
	if (action == "SCMP_ACT_KILL" || action == "SCMP_ACT_KILL_THREAD" || action == "SCMP_ACT_KILL_PROCESS")
		return {Answer::kKill};
	return {Answer::kOther};
}

const nlohmann::json& field(const nlohmann::json& object, const char* key)
{
	static const nlohmann::json none;
	auto it = object.find(key);
	return it == object.end() ? none : *it;
}

} // namespace

ContainerFilter::ContainerFilter(const nlohmann::json& seccomp) : seccomp_(seccomp)
{
	if (!seccomp_.is_object() || !field(seccomp_, "defaultAction").is_string())
		throw Error("the container's seccomp filter (config.json linux.seccomp) has no defaultAction");
	const nlohmann::json& rules = field(seccomp_, "syscalls");
	if (!rules.is_null() && !rules.is_array())
		throw Error("the container's seccomp filter (config.json linux.seccomp): syscalls is not a list");
	for (const nlohmann::json& rule : rules.is_array() ? rules : nlohmann::json::array())
		if (!rule.is_object() || !field(rule, "names").is_array() || !field(rule, "action").is_string())
			throw Error("the container's seccomp filter (config.json linux.seccomp): a rule without names "
				    "or action");
}

ContainerFilter::Decision ContainerFilter::decide(const std::string& name) const
{
	std::optional<Decision> first;
	const nlohmann::json& rules = field(seccomp_, "syscalls");
	for (const nlohmann::json& rule : rules.is_array() ? rules : nlohmann::json::array()) {
		const nlohmann::json& names = rule["names"];
		if (std::find(names.begin(), names.end(), name) == names.end())
			continue;
		const nlohmann::json& args = field(rule, "args");
		if (args.is_array() && !args.empty())
			return {Answer::kDepends};
		if (!first)
			first = decision(rule["action"].get<std::string>(), field(rule, "errnoRet"));
	}
	if (first)
		return *first;
	return decision(seccomp_["defaultAction"].get<std::string>(), field(seccomp_, "defaultErrnoRet"));
}

bool ContainerFilter::refused_by_workload(const std::string& name, uint64_t errnos, bool killed) const
{
	Decision d = decide(name);
	switch (d.answer) {
	case Answer::kAllow:
		return true;
	case Answer::kErrno: // its errno seen, or someone else's answer
		return !(errnos & REFUSAL_ERRNO_BIT(d.errno_value));
	case Answer::kKill: // a kill outranks every errno: one seen was not its
		return !killed;
	case Answer::kOther:
	case Answer::kDepends:
		return false;
	}
	return false;
}
