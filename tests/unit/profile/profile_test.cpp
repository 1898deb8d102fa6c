// SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "base/error.h"
#include "profile/profile.h"

using Catch::Matchers::Contains;
using nlohmann::json;
using Names = std::set<std::string>;

namespace {

const std::vector<std::string> kHost = {"SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"};

RecordedProfile extend(const std::string& input, const Names& recorded)
{
	InputProfile in = parse_input_profile(input);
	return build_profile(&in, recorded, kHost);
}

// The names of the rule the recording added (the last one).
json added_rule(const RecordedProfile& p)
{
	return json::parse(p.text)["syscalls"].back();
}

} // namespace

TEST_CASE("a recording alone is an errno allow-list with sorted names and the host's architectures", "[profile]")
{
	RecordedProfile p = build_profile(nullptr, {"write", "read", "exit_group"}, kHost);
	auto j = json::parse(p.text);
	CHECK(j["defaultAction"] == "SCMP_ACT_ERRNO");
	CHECK(j["defaultErrnoRet"] == 1);
	CHECK(j["architectures"] == json({"SCMP_ARCH_X32", "SCMP_ARCH_X86", "SCMP_ARCH_X86_64"}));
	REQUIRE(j["syscalls"].size() == 1);
	CHECK(j["syscalls"][0]["action"] == "SCMP_ACT_ALLOW");
	CHECK(j["syscalls"][0]["args"].empty());
	// The signal returns are always there (see profile.h).
	CHECK(p.added == Names{"exit_group", "read", "rt_sigreturn", "sigreturn", "write"});
	CHECK(j["syscalls"][0]["names"] == json(p.added));
	CHECK(p.denied.empty());
	CHECK(p.conditional.empty());
	// Keys in the order oci-seccomp-bpf-hook writes them.
	CHECK(p.text.find("\"defaultAction\"") < p.text.find("\"architectures\""));
	CHECK(p.text.find("\"names\"") < p.text.find("\"action\""));
}

TEST_CASE("if: keeps the input as written and adds one rule for what it does not name", "[profile]")
{
	std::string input = R"({"defaultAction":"SCMP_ACT_KILL_PROCESS","flags":["SECCOMP_FILTER_FLAG_LOG"],
		"architectures":["SCMP_ARCH_AARCH64"],
		"syscalls":[{"names":["write","read"],"action":"SCMP_ACT_ALLOW","comment":"io"},
			    {"name":"close","action":"SCMP_ACT_LOG"}]})";
	RecordedProfile p = extend(input, {"read", "close", "openat"});
	auto j = json::parse(p.text);
	CHECK(j["defaultAction"] == "SCMP_ACT_KILL_PROCESS");
	CHECK(!j.contains("defaultErrnoRet"));
	CHECK(j["flags"] == json({"SECCOMP_FILTER_FLAG_LOG"}));
	CHECK(j["architectures"] == json({"SCMP_ARCH_AARCH64", "SCMP_ARCH_X32", "SCMP_ARCH_X86", "SCMP_ARCH_X86_64"}));
	REQUIRE(j["syscalls"].size() == 3);
	// The input's rules, unchanged, comments and all, first.
	CHECK(j["syscalls"][0] == json::parse(input)["syscalls"][0]);
	CHECK(j["syscalls"][1] == json::parse(input)["syscalls"][1]);
	CHECK(p.added == Names{"openat", "rt_sigreturn", "sigreturn"});
	CHECK(added_rule(p)["names"] == json(p.added));
	CHECK(added_rule(p)["action"] == "SCMP_ACT_ALLOW");
}

TEST_CASE("if: a syscall the input blocks stays blocked, whatever the action", "[profile]")
{
	RecordedProfile p = extend(R"({"defaultAction":"SCMP_ACT_ERRNO","syscalls":[
		{"names":["mkdir"],"action":"SCMP_ACT_ERRNO"},
		{"names":["acct"],"action":"SCMP_ACT_ERRNO","errnoRet":38},
		{"names":["kexec_load"],"action":"SCMP_ACT_KILL_PROCESS"},
		{"names":["ptrace"],"action":"SCMP_ACT_TRAP"},
		{"names":["bpf"],"action":"SCMP_ACT_NOTIFY"}]})",
				   {"mkdir", "acct", "kexec_load", "ptrace", "bpf", "getpid"});
	CHECK(p.denied == Names{"acct", "bpf", "kexec_load", "mkdir", "ptrace"});
	CHECK(p.added == Names{"getpid", "rt_sigreturn", "sigreturn"});
	auto j = json::parse(p.text);
	CHECK(j["syscalls"][1]["errnoRet"] == 38);
	REQUIRE(j["syscalls"].size() == 6);
}

TEST_CASE("if: a syscall the input allows under conditions keeps them", "[profile]")
{
	std::string input = R"({"defaultAction":"SCMP_ACT_ERRNO","syscalls":[
		{"names":["personality"],"action":"SCMP_ACT_ALLOW","args":[{"index":0,"value":8,"op":"SCMP_CMP_EQ"}]},
		{"names":["sethostname"],"action":"SCMP_ACT_ALLOW","includes":{"caps":["CAP_SYS_ADMIN"]}},
		{"names":["sethostname"],"action":"SCMP_ACT_ERRNO","excludes":{"caps":["CAP_SYS_ADMIN"]},"errnoRet":1},
		{"names":["arm_fadvise64_64"],"action":"SCMP_ACT_ALLOW","includes":{"arches":["arm","arm64"]}},
		{"names":["clone3"],"action":"SCMP_ACT_ALLOW","includes":{"minKernel":"5.3"}},
		{"names":["getpid","personality"],"action":"SCMP_ACT_ALLOW"}]})";
	RecordedProfile p = extend(input, {"personality", "sethostname", "arm_fadvise64_64", "clone3", "getpid"});
	// personality is also allowed outright: nothing to keep.
	CHECK(p.conditional == Names{"arm_fadvise64_64", "clone3", "sethostname"});
	CHECK(p.denied.empty());
	CHECK(p.added == Names{"rt_sigreturn", "sigreturn"});
	auto j = json::parse(p.text);
	for (size_t i = 0; i < 6; ++i)
		CHECK(j["syscalls"][i] == json::parse(input)["syscalls"][i]);
}

TEST_CASE("if: an input that names the signal returns decides them", "[profile]")
{
	RecordedProfile p = extend(R"({"defaultAction":"SCMP_ACT_ERRNO","syscalls":[
		{"names":["rt_sigreturn","sigreturn"],"action":"SCMP_ACT_KILL"}]})", {"read"});
	CHECK(p.added == Names{"read"});
	// Not recorded, so not reported as denied either.
	CHECK(p.denied.empty());
}

TEST_CASE("if: with an archMap the engine picks the architectures: none are added", "[profile]")
{
	RecordedProfile p = extend(R"({"defaultAction":"SCMP_ACT_ERRNO","defaultErrnoRet":38,
		"archMap":[{"architecture":"SCMP_ARCH_X86_64","subArchitectures":["SCMP_ARCH_X86","SCMP_ARCH_X32"]}],
		"syscalls":[{"names":["read"],"action":"SCMP_ACT_ALLOW"}]})", {"read", "write"});
	auto j = json::parse(p.text);
	CHECK(!j.contains("architectures"));
	CHECK(j["defaultErrnoRet"] == 38);
	CHECK(j["archMap"].size() == 1);
	CHECK(p.added == Names{"rt_sigreturn", "sigreturn", "write"});
}

TEST_CASE("if: an input that decides every recorded syscall gets no rule added", "[profile]")
{
	std::string input = R"({"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":["read","rt_sigreturn","sigreturn"],"action":"SCMP_ACT_ALLOW"}]})";
	RecordedProfile p = extend(input, {"read"});
	CHECK(p.added.empty());
	CHECK(json::parse(p.text)["syscalls"].size() == 1);
}

TEST_CASE("if: names libseccomp does not know are kept, as the runtimes skip them", "[profile]")
{
	RecordedProfile p = extend(R"({"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":["a_syscall_of_2030"],"action":"SCMP_ACT_ALLOW"}]})",
				   {"read"});
	CHECK(json::parse(p.text)["syscalls"][0]["names"] == json({"a_syscall_of_2030"}));
}

TEST_CASE("if: inputs that are not seccomp allow-lists are refused", "[profile]")
{
	auto refuse = [](const std::string& input) { return parse_input_profile(input); };
	CHECK_THROWS_WITH(refuse("{"), Contains("not valid JSON"));
	CHECK_THROWS_WITH(refuse("[]"), Contains("not a JSON object"));
	CHECK_THROWS_WITH(refuse(R"({"syscalls":[]})"), Contains("no defaultAction"));
	CHECK_THROWS_WITH(refuse(R"({"defaultAction":"SCMP_ACT_ALLOW"})"), Contains("allows by default: it is not an allow-list"));
	CHECK_THROWS_WITH(refuse(R"({"defaultAction":"SCMP_ACT_LOG"})"), Contains("allows by default"));
	CHECK_THROWS_WITH(refuse(R"({"defaultAction":"SCMP_ACT_MAYBE"})"), Contains("\"SCMP_ACT_MAYBE\" is not a seccomp action"));
	CHECK_THROWS_WITH(refuse(R"({"defaultAction":"SCMP_ACT_ERRNO","syscalls":{}})"), Contains("not an array"));
	CHECK_THROWS_WITH(refuse(R"({"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":["read"],"action":"ALLOW"}]})"),
			  Contains("syscalls[0]'s action \"ALLOW\" is not a seccomp action"));
	CHECK_THROWS_WITH(refuse(R"({"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":[7],"action":"SCMP_ACT_ALLOW"}]})"),
			  Contains("not a string"));
	CHECK_THROWS_WITH(refuse(std::string(kMaxInputProfileBytes + 1, ' ')), Contains("larger than"));
}

TEST_CASE("argument rules replace a name in the recorded rule by one rule per value", "[profile]")
{
	RecordedArgs kept;
	kept.values[ARG_SOCKET] = {2 << 8 | 1};
	kept.values[ARG_CLONE] = {0};
	ArgRules args = make_arg_rules(kept, {"socket", "clone3", "read"});
	RecordedProfile p = build_profile(nullptr, {"socket", "clone3", "read"}, kHost, &args);
	auto j = json::parse(p.text);
	CHECK(p.added == Names{"read", "rt_sigreturn", "sigreturn"});
	CHECK(p.restricted == Names{"clone", "clone3", "socket"});
	REQUIRE(j["syscalls"].size() == 4);
	CHECK(j["syscalls"][0]["names"] == json(p.added));
	CHECK(j["syscalls"][1]["names"] == json({"clone"}));
	CHECK(j["syscalls"][1]["comment"] == "no new namespace");
	CHECK(j["syscalls"][2]["names"] == json({"socket"}));
	CHECK(j["syscalls"][2]["args"].size() == 2);
	CHECK(j["syscalls"][3] == json({{"names", {"clone3"}}, {"action", "SCMP_ACT_ERRNO"}, {"errnoRet", 38},
				       {"comment", j["syscalls"][3]["comment"]}}));
	// What it says is what a merge reads back.
	CHECK(p.rules.rules.size() == 4);
}

TEST_CASE("with if:, what the input decides keeps the input's rules", "[profile]")
{
	InputProfile in = parse_input_profile(R"({"defaultAction":"SCMP_ACT_ERRNO","syscalls":[
		{"names":["socket"],"action":"SCMP_ACT_ALLOW"},
		{"names":["clone3"],"action":"SCMP_ACT_ERRNO","errnoRet":1}]})");
	RecordedArgs kept;
	kept.values[ARG_SOCKET] = {16 << 8 | 3};
	kept.values[ARG_PRCTL] = {15};
	ArgRules args = make_arg_rules(kept, {"socket", "prctl", "clone3"});
	RecordedProfile p = build_profile(&in, {"socket", "prctl", "clone3"}, kHost, &args);
	CHECK(p.restricted == Names{"prctl"});
	CHECK(p.denied == Names{"clone3"});
	auto j = json::parse(p.text);
	REQUIRE(j["syscalls"].size() == 4);
	CHECK(j["syscalls"][0]["names"] == json({"socket"})); // the input's, untouched
	CHECK(j["syscalls"][3]["names"] == json({"prctl"}));
}
