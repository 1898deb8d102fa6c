#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "error.h"
#include "profile.h"
#include "ruleset.h"

using Catch::Matchers::Contains;

TEST_CASE("profile is an errno allow-list with sorted names and architectures", "[profile]")
{
	auto j = nlohmann::json::parse(render_ruleset(allow_list({"write", "read", "exit_group"}, {"SCMP_ARCH_X86_64", "SCMP_ARCH_X86"})));
	CHECK(j["defaultAction"] == "SCMP_ACT_ERRNO");
	CHECK(j["defaultErrnoRet"] == 1);
	CHECK(j["architectures"] == nlohmann::json({"SCMP_ARCH_X86", "SCMP_ARCH_X86_64"}));
	REQUIRE(j["syscalls"].size() == 1);
	CHECK(j["syscalls"][0]["action"] == "SCMP_ACT_ALLOW");
	CHECK(j["syscalls"][0]["names"] == nlohmann::json({"exit_group", "read", "write"}));
	CHECK(j["syscalls"][0]["args"].empty());
}

TEST_CASE("a rendered profile reads back as the same allow-list", "[profile]")
{
	std::set<std::string> names = {"read", "write", "futex"};
	CHECK(allowed_syscalls(render_ruleset(allow_list(names, {"SCMP_ARCH_X86_64"}))) == names);
}

TEST_CASE("input profile names are merged from every allow entry", "[profile]")
{
	auto names = allowed_syscalls(R"({"defaultAction":"SCMP_ACT_ERRNO","syscalls":[
		{"names":["read","write"],"action":"SCMP_ACT_ALLOW"},
		{"names":["openat"],"action":"SCMP_ACT_ALLOW","args":[],"includes":{},"excludes":{}},
		{"name":"close","action":"SCMP_ACT_ALLOW"}]})");
	CHECK(names == std::set<std::string>{"close", "openat", "read", "write"});
}

TEST_CASE("input profile with a 32-bit-only syscall name is accepted", "[profile]")
{
	// socketcall exists on i386, not x86_64: still a syscall of this host's ABIs.
	auto names = allowed_syscalls(R"({"defaultAction":"SCMP_ACT_KILL","syscalls":[{"names":["socketcall"],"action":"SCMP_ACT_ALLOW"}]})");
	CHECK(names.count("socketcall") == 1);
}

TEST_CASE("input profiles that cannot be extended are refused", "[profile]")
{
	CHECK_THROWS_WITH(allowed_syscalls("{"), Contains("not valid JSON"));
	CHECK_THROWS_WITH(allowed_syscalls("[]"), Contains("not a JSON object"));
	CHECK_THROWS_WITH(allowed_syscalls(R"({"syscalls":[]})"), Contains("no defaultAction"));
	CHECK_THROWS_WITH(allowed_syscalls(R"({"defaultAction":"SCMP_ACT_ALLOW"})"), Contains("not an allow-list"));
	CHECK_THROWS_WITH(allowed_syscalls(R"({"defaultAction":"SCMP_ACT_ERRNO","syscalls":{}})"), Contains("not an array"));
	CHECK_THROWS_WITH(allowed_syscalls(R"({"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":["read"],"action":"SCMP_ACT_ERRNO"}]})"),
			  Contains("not an SCMP_ACT_ALLOW entry"));
	CHECK_THROWS_WITH(allowed_syscalls(R"({"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":["personality"],"action":"SCMP_ACT_ALLOW","args":[{"index":0,"value":0,"op":"SCMP_CMP_EQ"}]}]})"),
			  Contains("args conditions"));
	CHECK_THROWS_WITH(allowed_syscalls(R"({"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":["read"],"action":"SCMP_ACT_ALLOW","includes":{"caps":["CAP_SYS_ADMIN"]}}]})"),
			  Contains("includes conditions"));
	CHECK_THROWS_WITH(allowed_syscalls(R"({"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":["not_a_syscall"],"action":"SCMP_ACT_ALLOW"}]})"),
			  Contains("unknown syscall 'not_a_syscall'"));
	CHECK_THROWS_WITH(allowed_syscalls(R"({"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":[7],"action":"SCMP_ACT_ALLOW"}]})"),
			  Contains("not a string"));
	CHECK_THROWS_WITH(allowed_syscalls(std::string(kMaxInputProfileBytes + 1, ' ')), Contains("larger than"));
}

TEST_CASE("profile syscalls are the recorded ones, the input's and signal returns", "[profile]")
{
	auto names = profile_syscalls({"read", "write"}, {"openat"});
	CHECK(names.count("read") == 1);
	CHECK(names.count("write") == 1);
	CHECK(names.count("openat") == 1);
	CHECK(names.count("rt_sigreturn") == 1);
#if defined(__x86_64__)
	CHECK(names.count("sigreturn") == 1); // i386 tasks return from handlers with it
	CHECK(names.size() == 5);
#endif
}
