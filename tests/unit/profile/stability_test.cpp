// SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
#include <catch2/catch.hpp>

#include "base/error.h"
#include "profile/stability.h"

namespace {

std::string report(const char* started, const char* recorded, const char* denied = "{}")
{
	return std::string(R"({"recorder": "oci-seccomp-recorder 0.1.0", "started": ")") + started +
	       R"(", "recorded": )" + recorded + R"(, "denied": )" + denied + "}";
}

Run run(const char* source, const char* started, const char* names, const std::optional<std::string>& profile = {})
{
	return read_run(report(started, (std::string(R"({"SCMP_ARCH_X86_64": )") + names + "}").c_str()), profile,
			source);
}

} // namespace

TEST_CASE("runs are ordered by their start, and each counts what no earlier run saw")
{
	Stability s = measure_stability({
		run("c", "2026-12-06T10:00:03.000Z", R"(["read", "write", "rt_sigsuspend"])"),
		run("a", "2026-12-06T10:00:01.000Z", R"(["read", "write"])"),
		run("b", "2026-12-06T10:00:02.000Z", R"(["read", "write"])"),
	});
	REQUIRE(s.runs.size() == 3);
	CHECK(s.runs[0].source == "a");
	CHECK(s.runs[2].source == "c");
	CHECK(s.added[0].size() == 2);
	CHECK(s.added[1].empty());
	CHECK(s.added[2] == std::set<std::string>{"syscall SCMP_ARCH_X86_64 rt_sigsuspend"});
	CHECK(s.seen.at("syscall SCMP_ARCH_X86_64 rt_sigsuspend") == 1);
	CHECK(s.seen.at("syscall SCMP_ARCH_X86_64 read") == 3);
	CHECK(s.quiet() == 0);
	CHECK_FALSE(s.stable(1));
	std::string text = render_stability(s, 2);
	INFO(text);
	CHECK(text.find("rt_sigsuspend  (1 of 3)") != std::string::npos);
	CHECK(text.find("new in each run: 2 0 1") != std::string::npos);
	CHECK(text.find("not stable: run 3 (c) added rt_sigsuspend; record until 2 runs in a row add nothing") !=
	      std::string::npos);
}

TEST_CASE("stable once the last --settle runs added nothing; the first run never counts")
{
	std::vector<Run> runs;
	for (const char* t : {"1", "2", "3", "4"})
		runs.push_back(run(t, t, R"(["read"])"));
	Stability s = measure_stability(runs);
	CHECK(s.quiet() == 3);
	CHECK(s.stable(3));
	CHECK_FALSE(s.stable(4));
	CHECK(render_stability(s, 3).find("stable: the last 3 runs added nothing (--settle 3)") != std::string::npos);
	CHECK(render_stability(s, 4).find("not stable: run 1 (1) added read; record until 4 runs in a row add nothing") !=
	      std::string::npos);
	nlohmann::ordered_json j = stability_json(s, 3);
	CHECK(j["stable"] == true);
	CHECK(j["runsWithoutNew"] == 3);
	CHECK(j["seen"]["syscall SCMP_ARCH_X86_64 read"] == 4);
	CHECK(measure_stability({run("1", "1", R"(["read"])")}).quiet() == 0);
}

TEST_CASE("argument values come from the profile beside the report, and denials are counted per run")
{
	std::string profile = R"({"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [
		{"names": ["read"], "action": "SCMP_ACT_ALLOW"},
		{"names": ["socket"], "action": "SCMP_ACT_ALLOW", "comment": "AF_INET SOCK_STREAM",
		 "args": [{"index": 0, "value": 2, "op": "SCMP_CMP_EQ"}]},
		{"names": ["personality"], "action": "SCMP_ACT_ALLOW",
		 "args": [{"index": 0, "value": 0, "op": "SCMP_CMP_EQ"}]}]})";
	Run with = read_run(report("1", R"({"SCMP_ARCH_X86_64": ["read", "socket"]})", R"({"SCMP_ARCH_X86_64": ["acct"]})"),
			    profile, "one");
	CHECK(with.items.count("value socket AF_INET SOCK_STREAM") == 1);
	CHECK(with.items.count(R"(value personality [{"index":0,"op":"SCMP_CMP_EQ","value":0}])") == 1);
	Run without = read_run(report("2", R"({"SCMP_ARCH_X86_64": ["read", "socket"]})"), std::nullopt, "two");
	Stability s = measure_stability({with, without});
	CHECK(s.seen.at("value socket AF_INET SOCK_STREAM") == 1);
	CHECK(s.denied.at("SCMP_ARCH_X86_64 acct") == 1);
	std::string text = render_stability(s, 1);
	INFO(text);
	CHECK(text.find("in every run: 2 syscalls, 0 argument values") != std::string::npos);
	CHECK(text.find("socket AF_INET SOCK_STREAM  (1 of 2)") != std::string::npos);
	CHECK(text.find("denied: acct  (1 of 2)") != std::string::npos);
}

TEST_CASE("what is not a report, or a profile that is not one, is refused with its name")
{
	using Catch::Matchers::Contains;
	CHECK_THROWS_WITH(read_run("{}", std::nullopt, "x.report.json"), Contains("x.report.json: not a report"));
	CHECK_THROWS_WITH(read_run("[1]", std::nullopt, "x.report.json"), Contains("x.report.json: not a report"));
	CHECK_THROWS_WITH(read_run(report("1", R"({"SCMP_ARCH_X86_64": "read"})"), std::nullopt, "r"),
			  Contains("r: recorded.SCMP_ARCH_X86_64 is not a list"));
	CHECK_THROWS_WITH(read_run(report("1", "{}"), std::string("[]"), "r"),
			  Contains("r: the profile beside it is not a seccomp profile"));
	CHECK_THROWS_AS(read_run(report("1", "{}", "[]"), std::nullopt, "r"), Error);
}
