// SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
#include <catch2/catch.hpp>

#include <cerrno>

#include "base/error.h"
#include "profile/container_filter.h"

namespace {

ContainerFilter filter(const char* json)
{
	return ContainerFilter(nlohmann::json::parse(json));
}

uint64_t bit(int e)
{
	return uint64_t{1} << e;
}

} // namespace

TEST_CASE("how the container's filter answers a syscall by name")
{
	ContainerFilter f = filter(R"({"defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 13, "syscalls": [
		{"names": ["read", "write"], "action": "SCMP_ACT_ALLOW"},
		{"names": ["clone3"], "action": "SCMP_ACT_ERRNO", "errnoRet": 38},
		{"names": ["mount"], "action": "SCMP_ACT_ERRNO"},
		{"names": ["ptrace"], "action": "SCMP_ACT_KILL_PROCESS"},
		{"names": ["uname"], "action": "SCMP_ACT_TRAP"},
		{"names": ["socket"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 0, "value": 1, "op": "SCMP_CMP_EQ"}]},
		{"names": ["socket"], "action": "SCMP_ACT_ALLOW", "args": []}]})");
	using Answer = ContainerFilter::Answer;
	CHECK(f.decide("write").answer == Answer::kAllow);
	CHECK(f.decide("clone3").answer == Answer::kErrno);
	CHECK(f.decide("clone3").errno_value == ENOSYS);
	CHECK(f.decide("mount").errno_value == EPERM); // runc's errno where the rule gives none
	CHECK(f.decide("acct").errno_value == EACCES); // the default's own
	CHECK(f.decide("ptrace").answer == Answer::kKill);
	CHECK(f.decide("uname").answer == Answer::kOther);
	CHECK(f.decide("socket").answer == Answer::kDepends);
}

TEST_CASE("a refusal is the workload's only where the container's filter cannot have made it")
{
	ContainerFilter f = filter(R"({"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [
		{"names": ["getppid"], "action": "SCMP_ACT_LOG"},
		{"names": ["clone3"], "action": "SCMP_ACT_ERRNO", "errnoRet": 38},
		{"names": ["ptrace"], "action": "SCMP_ACT_KILL"},
		{"names": ["uname"], "action": "SCMP_ACT_TRAP"},
		{"names": ["socket"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 0, "value": 1, "op": "SCMP_CMP_EQ"}]}]})");
	CHECK(f.refused_by_workload("getppid", bit(EPERM), false)); // it allows (and logs)
	CHECK(f.refused_by_workload("clone3", bit(EPERM), false));  // it answers ENOSYS
	CHECK_FALSE(f.refused_by_workload("clone3", bit(ENOSYS), false));
	CHECK_FALSE(f.refused_by_workload("clone3", bit(ENOSYS) | bit(EPERM), false)); // it did, at least once
	CHECK(f.refused_by_workload("acct", bit(ENOSYS), false));   // EPERM by default
	CHECK(f.refused_by_workload("acct", 0, true));               // it does not kill
	CHECK_FALSE(f.refused_by_workload("acct", bit(EPERM), false));
	CHECK_FALSE(f.refused_by_workload("ptrace", 0, true));
	CHECK(f.refused_by_workload("ptrace", bit(EPERM), false)); // it would have killed
	CHECK_FALSE(f.refused_by_workload("uname", bit(ENOSYS), false));
	CHECK_FALSE(f.refused_by_workload("socket", bit(ENOSYS), false));
	ContainerFilter big = filter(R"({"defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 200})");
	CHECK_FALSE(big.refused_by_workload("acct", bit(63), false)); // errnos past 62 share a bit
	// An errno of 0 (a fake success) is seen as a return of 0: bit 63 too.
	ContainerFilter zero = filter(R"({"defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 0})");
	CHECK_FALSE(zero.refused_by_workload("acct", bit(63), false));
	CHECK(zero.refused_by_workload("acct", bit(EPERM), false));
}

TEST_CASE("a linux.seccomp that is not a filter is refused in one line")
{
	for (const char* json : {R"([])", R"({"syscalls": []})", R"({"defaultAction": "SCMP_ACT_ERRNO", "syscalls": {}})",
				 R"({"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"action": "SCMP_ACT_ALLOW"}]})",
				 R"({"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": "read", "action": "SCMP_ACT_ALLOW"}]})"})
		CHECK_THROWS_AS(filter(json), Error);
}
