// SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
#include <catch2/catch.hpp>

#include "base/error.h"
#include "profile/seccompprofile.h"

using Catch::Matchers::Contains;

TEST_CASE("resource names are RFC 1123 names made from file names", "[seccompprofile]")
{
	CHECK(resource_name("myapp.json") == "myapp");
	CHECK(resource_name("team/My_App.v2.json") == "my-app-v2");
	CHECK(resource_name("--x--.json") == "x");
	CHECK(resource_name(std::string(300, 'a')).size() == 253);
	CHECK(resource_name(std::string(252, 'a') + "_b") == std::string(252, 'a'));
	CHECK_THROWS_WITH(resource_name("___.json"), Contains("cannot make a resource name"));
}

TEST_CASE("a recorded allow-list becomes a SeccompProfile", "[seccompprofile]")
{
	auto rules = parse_ruleset(R"({"defaultAction":"SCMP_ACT_ERRNO","defaultErrnoRet":1,"architectures":["SCMP_ARCH_X86_64"],
		"syscalls":[{"names":["read","write"],"action":"SCMP_ACT_ALLOW","args":[],"comment":"","includes":{},"excludes":{}}]})", "p");
	std::string yaml = render_seccompprofile(rules, "app");
	CHECK(yaml == "apiVersion: security-profiles-operator.x-k8s.io/v1beta1\n"
		      "kind: SeccompProfile\n"
		      "metadata:\n"
		      "  name: \"app\"\n"
		      "spec:\n"
		      "  defaultAction: \"SCMP_ACT_ERRNO\"\n"
		      "  architectures:\n"
		      "  - \"SCMP_ARCH_X86_64\"\n"
		      "  syscalls:\n"
		      "  - action: \"SCMP_ACT_ALLOW\"\n"
		      "    names:\n"
		      "    - \"read\"\n"
		      "    - \"write\"\n");
}

TEST_CASE("argument conditions carry over, what the resource cannot say is refused", "[seccompprofile]")
{
	auto rules = parse_ruleset(R"({"defaultAction":"SCMP_ACT_ERRNO","syscalls":[
		{"names":["personality"],"action":"SCMP_ACT_ALLOW","args":[{"index":0,"value":8,"op":"SCMP_CMP_EQ"}]}]})", "p");
	CHECK_THAT(render_seccompprofile(rules, "p"), Contains("    args:\n    - index: 0\n      op: \"SCMP_CMP_EQ\"\n      value: 8\n"));

	auto refused = [](const char* json) { return render_seccompprofile(parse_ruleset(json, "p"), "p"); };
	CHECK_THROWS_WITH(refused(R"({"defaultAction":"SCMP_ACT_ERRNO","defaultErrnoRet":38})"), Contains("defaultErrnoRet 38"));
	CHECK_THROWS_WITH(refused(R"({"defaultAction":"SCMP_ACT_ERRNO","archMap":[]})"), Contains("no field for archMap"));
	CHECK_THROWS_WITH(refused(R"({"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":["x"],"action":"SCMP_ACT_ALLOW","includes":{"caps":["CAP_SYS_ADMIN"]}}]})"),
			  Contains("no field for includes"));
	CHECK_THROWS_WITH(refused(R"({"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":["x"],"action":"SCMP_ACT_ERRNO","errnoRet":-1}]})"),
			  Contains("no field for errnoRet"));
	CHECK_THROWS_WITH(refused(R"({"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":["x"],"action":"SCMP_ACT_ALLOW","args":[{"index":0,"value":-1,"op":"SCMP_CMP_EQ"}]}]})"),
			  Contains("not a non-negative integer"));
	CHECK_THROWS_WITH(refused(R"({"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":["x"],"action":"SCMP_ACT_ALLOW","args":[{"value":1}]}]})"),
			  Contains("no index or op"));
}

TEST_CASE("argument rules and clone3's ENOSYS carry over as the CRD has them", "[seccompprofile]")
{
	auto rules = parse_ruleset(R"({"defaultAction":"SCMP_ACT_ERRNO","syscalls":[
		{"names":["socket"],"action":"SCMP_ACT_ALLOW","args":[
			{"index":0,"value":4294967295,"valueTwo":2,"op":"SCMP_CMP_MASKED_EQ"},
			{"index":1,"value":15,"valueTwo":1,"op":"SCMP_CMP_MASKED_EQ"}]},
		{"names":["clone3"],"action":"SCMP_ACT_ERRNO","errnoRet":38}]})", "p");
	std::string yaml = render_seccompprofile(rules, "p");
	CHECK_THAT(yaml, Contains("  - action: \"SCMP_ACT_ERRNO\"\n    errnoRet: \"38\"\n    names:\n    - \"clone3\"\n"));
	CHECK_THAT(yaml, Contains("    args:\n    - index: 0\n      op: \"SCMP_CMP_MASKED_EQ\"\n      value: 4294967295\n      valueTwo: 2\n"
				  "    - index: 1\n      op: \"SCMP_CMP_MASKED_EQ\"\n      value: 15\n      valueTwo: 1\n"));
}
