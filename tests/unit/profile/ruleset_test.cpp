// SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
#include <catch2/catch.hpp>

#include <algorithm>

#include "base/error.h"
#include "profile/ruleset.h"

using Catch::Matchers::Contains;

namespace {

RuleSet parse(const std::string& json)
{
	return parse_ruleset(json, "p.json");
}

std::string merged(std::initializer_list<std::string> profiles)
{
	auto it = profiles.begin();
	RuleSet all = parse(*it);
	for (++it; it != profiles.end(); ++it)
		merge_ruleset(all, parse(*it), "q.json");
	return render_ruleset(all);
}

} // namespace

TEST_CASE("merge is the union of names and architectures, sorted", "[ruleset]")
{
	std::string a = R"({"defaultAction":"SCMP_ACT_ERRNO","architectures":["SCMP_ARCH_X86_64"],
		"syscalls":[{"names":["write","read"],"action":"SCMP_ACT_ALLOW","args":[],"comment":"","includes":{},"excludes":{}}]})";
	std::string b = R"({"defaultAction":"SCMP_ACT_ERRNO","defaultErrnoRet":1,"architectures":["SCMP_ARCH_AARCH64"],
		"syscalls":[{"name":"close","action":"SCMP_ACT_ALLOW"},{"names":["read"],"action":"SCMP_ACT_ALLOW"}]})";
	RuleSet all = parse(merged({a, b}));
	CHECK(all.architectures == std::set<std::string>{"SCMP_ARCH_AARCH64", "SCMP_ARCH_X86_64"});
	REQUIRE(all.rules.size() == 1);
	CHECK(all.rules.begin()->second.names == std::set<std::string>{"close", "read", "write"});
	// Deterministic: input order does not change a byte.
	CHECK(merged({a, b}) == merged({b, a}));
	CHECK(merged({a, b}) == merged({b, a, b, a}));
}

TEST_CASE("merge keeps rules with conditions apart", "[ruleset]")
{
	std::string a = R"({"defaultAction":"SCMP_ACT_ERRNO","syscalls":[
		{"names":["personality"],"action":"SCMP_ACT_ALLOW","args":[{"index":0,"value":0,"op":"SCMP_CMP_EQ"}]},
		{"names":["read"],"action":"SCMP_ACT_ALLOW"}]})";
	std::string b = R"({"defaultAction":"SCMP_ACT_ERRNO","syscalls":[
		{"names":["personality"],"action":"SCMP_ACT_ALLOW","args":[{"index":0,"value":8,"op":"SCMP_CMP_EQ"}]},
		{"names":["uname"],"action":"SCMP_ACT_ALLOW"}]})";
	RuleSet all = parse(merged({a, b}));
	CHECK(all.rules.size() == 3);
	auto text = merged({a, b});
	// The plain allow rule comes first.
	CHECK(text.find("\"read\"") < text.find("personality"));
}

TEST_CASE("merge refuses different default actions and settings", "[ruleset]")
{
	RuleSet errno_list = parse(R"({"defaultAction":"SCMP_ACT_ERRNO"})");
	CHECK_THROWS_WITH(merge_ruleset(errno_list, parse(R"({"defaultAction":"SCMP_ACT_KILL_PROCESS"})"), "kill.json"),
			  Contains("kill.json has defaultAction SCMP_ACT_KILL_PROCESS, the profiles before it SCMP_ACT_ERRNO") &&
				  Contains("different default actions cannot be merged"));
	CHECK_THROWS_WITH(merge_ruleset(errno_list, parse(R"({"defaultAction":"SCMP_ACT_ERRNO","defaultErrnoRet":38})"), "enosys.json"),
			  Contains("enosys.json has defaultErrnoRet 38, the profiles before it 1"));
	CHECK_THROWS_WITH(merge_ruleset(errno_list, parse(R"({"defaultAction":"SCMP_ACT_ERRNO","flags":["SECCOMP_FILTER_FLAG_LOG"]})"), "f.json"),
			  Contains("f.json has flags [\"SECCOMP_FILTER_FLAG_LOG\"], the profiles before it none"));
}

TEST_CASE("merge refuses a syscall that one profile blocks and another decides otherwise", "[ruleset]")
{
	auto merge = [](const char* a, const char* b) {
		RuleSet all = parse(std::string(R"({"defaultAction":"SCMP_ACT_ERRNO","syscalls":)") + a + "}");
		merge_ruleset(all, parse(std::string(R"({"defaultAction":"SCMP_ACT_ERRNO","syscalls":)") + b + "}"), "q.json");
		return all;
	};
	const char* allow = R"([{"names":["uname"],"action":"SCMP_ACT_ALLOW"}])";
	const char* kill = R"([{"names":["uname"],"action":"SCMP_ACT_KILL"}])";
	const char* errno_ = R"([{"names":["uname"],"action":"SCMP_ACT_ERRNO"}])";
	const char* allow_if = R"([{"names":["uname"],"action":"SCMP_ACT_ALLOW","args":[{"index":0,"value":0,"op":"SCMP_CMP_EQ"}]}])";
	CHECK_THROWS_WITH(merge(allow, kill), Contains("q.json gives uname {\"action\":\"SCMP_ACT_KILL\"}, the profiles before it "
						      "{\"action\":\"SCMP_ACT_ALLOW\"}") &&
					      Contains("decided alike by all"));
	CHECK_THROWS_WITH(merge(kill, allow), Contains("q.json gives uname"));
	CHECK_THROWS_WITH(merge(errno_, kill), Contains("q.json gives uname"));
	CHECK_THROWS_WITH(merge(errno_, allow_if), Contains("q.json gives uname"));

	// Decided alike, blocked in one and not named in the other, or allowed in
	// both (with or without conditions): merged.
	CHECK(merge(kill, kill).rules.size() == 1);
	CHECK(merge(kill, R"([{"names":["read"],"action":"SCMP_ACT_ALLOW"}])").rules.size() == 2);
	CHECK(merge(allow, allow_if).rules.size() == 2);
	// podman's default profile, merged with itself: allowed with a cap, denied without.
	const char* by_cap = R"([{"names":["acct"],"action":"SCMP_ACT_ALLOW","includes":{"caps":["CAP_SYS_PACCT"]}},
		{"names":["acct"],"action":"SCMP_ACT_ERRNO","excludes":{"caps":["CAP_SYS_PACCT"]},"errnoRet":1}])";
	CHECK(merge(by_cap, by_cap).rules.size() == 2);
	CHECK_THROWS_WITH(merge(by_cap, R"([{"names":["acct"],"action":"SCMP_ACT_ALLOW"}])"), Contains("q.json gives acct"));
}

TEST_CASE("profiles that are not seccomp profiles are refused with where", "[ruleset]")
{
	CHECK_THROWS_WITH(parse("{"), Contains("p.json is not valid JSON"));
	CHECK_THROWS_WITH(parse("[]"), Contains("p.json is not a JSON object"));
	CHECK_THROWS_WITH(parse("{}"), Contains("p.json has no defaultAction"));
	CHECK_THROWS_WITH(parse(R"({"defaultAction":"SCMP_ACT_ERRNO","architectures":"x"})"), Contains("architectures is not an array"));
	CHECK_THROWS_WITH(parse(R"({"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":["read"]}]})"), Contains("p.json's syscalls[0] has no action"));
	CHECK_THROWS_WITH(parse(R"({"defaultAction":"SCMP_ACT_ERRNO","syscalls":[1]})"), Contains("p.json's syscalls[0] is not an object"));
	CHECK_THROWS_WITH(parse(R"({"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"action":"SCMP_ACT_ALLOW"}]})"), Contains("has no names"));
}

TEST_CASE("diff lists changed settings, architectures and names", "[ruleset]")
{
	RuleSet before = parse(R"({"defaultAction":"SCMP_ACT_ERRNO","architectures":["SCMP_ARCH_X86_64","SCMP_ARCH_X86"],
		"syscalls":[{"names":["read","write","uselib"],"action":"SCMP_ACT_ALLOW"}]})");
	RuleSet after = parse(R"({"defaultAction":"SCMP_ACT_KILL","architectures":["SCMP_ARCH_X86_64"],
		"syscalls":[{"names":["write","read","clone3"],"action":"SCMP_ACT_ALLOW"},
			    {"names":["personality"],"action":"SCMP_ACT_ALLOW","args":[{"index":0,"value":8,"op":"SCMP_CMP_EQ"}]}]})");
	std::vector<std::string> expected = {
		"~ defaultAction: SCMP_ACT_ERRNO -> SCMP_ACT_KILL",
		"~ defaultErrnoRet: 1 -> none",
		"- architecture SCMP_ARCH_X86",
		"+ clone3",
		"+ personality [{\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":0,\"op\":\"SCMP_CMP_EQ\",\"value\":8}]}]",
		"- uselib",
	};
	CHECK(diff_rulesets(before, after) == expected);
	CHECK(diff_rulesets(after, after).empty());
}

TEST_CASE("formatting alone makes no difference", "[ruleset]")
{
	RuleSet ours = parse(render_ruleset(parse(R"({"defaultAction":"SCMP_ACT_ERRNO","architectures":["SCMP_ARCH_X86_64"],
		"syscalls":[{"names":["read","write"],"action":"SCMP_ACT_ALLOW"}]})")));
	RuleSet terse = parse(R"({"defaultAction":"SCMP_ACT_ERRNO","architectures":["SCMP_ARCH_X86_64"],
		"syscalls":[{"names":["write"],"action":"SCMP_ACT_ALLOW","comment":"w"},{"name":"read","action":"SCMP_ACT_ALLOW","args":null}]})");
	CHECK(diff_rulesets(ours, terse).empty());
}

TEST_CASE("merge ORs argument rules, and a syscall either allows outright stays unconditional", "[ruleset]")
{
	auto socket = [](int family) {
		return R"({"names":["socket"],"action":"SCMP_ACT_ALLOW","args":[{"index":0,"value":4294967295,"valueTwo":)" +
		       std::to_string(family) + R"(,"op":"SCMP_CMP_MASKED_EQ"}]})";
	};
	auto profile = [](const std::string& rules) {
		return R"({"defaultAction":"SCMP_ACT_ERRNO","syscalls":[)" + rules + "]}";
	};
	std::string inet = profile(socket(2)), unix_ = profile(socket(1));
	RuleSet both = parse(merged({inet, unix_}));
	REQUIRE(both.rules.size() == 2);
	for (const auto& [key, rule] : both.rules)
		CHECK(rule.names == std::set<std::string>{"socket"});
	CHECK(diff_rulesets(parse(inet), both) ==
	      std::vector<std::string>{R"(+ socket [{"action":"SCMP_ACT_ALLOW","args":[{"index":0,"op":"SCMP_CMP_MASKED_EQ","value":4294967295,"valueTwo":1}]}])"});

	// A profile that allows socket outright: so does the union, whichever
	// comes first (its plain rule ORed with the argument rules).
	std::string any = profile(R"({"names":["socket","read"],"action":"SCMP_ACT_ALLOW"})");
	for (const std::string& text : {merged({inet, any, unix_}), merged({any, inet})}) {
		RuleSet all = parse(text);
		CHECK(std::any_of(all.rules.begin(), all.rules.end(), [](const auto& r) {
			return r.second.unconditional() && r.second.allows() && r.second.names.count("socket");
		}));
	}
}
