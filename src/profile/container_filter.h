// SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
// The container's own seccomp filter as its runtime was told to install it
// (config.json's linux.seccomp), and whose filter a refusal came from when
// the workload stacked filters of its own on it (QEMU's -sandbox, a
// service's SystemCallFilter): the container's refusals belong in "add this
// to the profile", the workload's own never do.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

class ContainerFilter {
public:
	// How the filter answers a syscall whatever its arguments.
	enum class Answer {
		kAllow,   // SCMP_ACT_ALLOW, SCMP_ACT_LOG
		kErrno,   // SCMP_ACT_ERRNO, with errno()
		kKill,    // SCMP_ACT_KILL, _KILL_THREAD, _KILL_PROCESS
		kOther,   // SCMP_ACT_TRAP, _TRACE, _NOTIFY
		kDepends, // a rule with argument conditions names it
	};
	struct Decision {
		Answer answer;
		int errno_value = 0; // for kErrno
	};

	// Throws a one-line Error on a section that is not a seccomp filter.
	explicit ContainerFilter(const nlohmann::json& seccomp);

	Decision decide(const std::string& name) const;

	// Whether a refusal of `name`, seen while the task had filters of its own
	// above this one, came from those: this filter lets it through, or
	// answers it with an errno that was never seen (among filters that
	// refuse alike the last installed one's errno wins), or kills where no
	// filter killed. `errnos`: REFUSAL_ERRNO_BIT of each errno seen. Where
	// this filter may have answered, the refusal is its.
	bool refused_by_workload(const std::string& name, uint64_t errnos, bool killed) const;

private:
	nlohmann::json seccomp_;
};
