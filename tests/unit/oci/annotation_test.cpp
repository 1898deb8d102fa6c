// SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
#include <catch2/catch.hpp>

#include "base/error.h"
#include "oci/annotation.h"

TEST_CASE("annotation with of: only", "[annotation]")
{
	Request r = parse_annotation("of:app.json");
	CHECK(r.output == "app.json");
	CHECK_FALSE(r.input);
}

TEST_CASE("annotation with both keys in either order", "[annotation]")
{
	for (const char* value : {"if:base.json;of:app.json", "of:app.json;if:base.json"}) {
		Request r = parse_annotation(value);
		CHECK(r.output == "app.json");
		REQUIRE(r.input);
		CHECK(*r.input == "base.json");
	}
}

TEST_CASE("annotation tolerates whitespace around keys and paths", "[annotation]")
{
	Request r = parse_annotation("  if : base.json ;\tof:  /var/lib/p/app.json \n");
	CHECK(r.output == "/var/lib/p/app.json");
	CHECK(*r.input == "base.json");
}

TEST_CASE("annotation errors name what is wrong", "[annotation]")
{
	using Catch::Matchers::Contains;
	CHECK_THROWS_WITH(parse_annotation(""), Contains("empty annotation"));
	CHECK_THROWS_WITH(parse_annotation("   "), Contains("empty annotation"));
	CHECK_THROWS_WITH(parse_annotation("if:base.json"), Contains("no of:"));
	CHECK_THROWS_WITH(parse_annotation("of:a.json;of:b.json"), Contains("of: given more than once"));
	CHECK_THROWS_WITH(parse_annotation("of:a.json;if:b;if:c"), Contains("if: given more than once"));
	CHECK_THROWS_WITH(parse_annotation("of:"), Contains("empty path"));
	CHECK_THROWS_WITH(parse_annotation("of:a.json;"), Contains("empty entry"));
	CHECK_THROWS_WITH(parse_annotation("of:a.json;;if:b"), Contains("empty entry"));
	CHECK_THROWS_WITH(parse_annotation("xf:a.json"), Contains("unknown key 'xf'"));
	CHECK_THROWS_WITH(parse_annotation("a.json"), Contains("not KEY:PATH"));
}

TEST_CASE("select_annotation takes the plain key", "[annotation]")
{
	auto selected = select_annotation({{"io.containers.trace-syscall", "of:a.json"}, {"other", "x"}});
	REQUIRE(selected);
	CHECK(selected->key == "io.containers.trace-syscall");
	CHECK(selected->value == "of:a.json");
	CHECK_FALSE(select_annotation({{"other", "x"}}));
}

TEST_CASE("select_annotation prefers the key naming this CRI-O container", "[annotation]")
{
	std::map<std::string, std::string> pod = {
		{"io.containers.trace-syscall", "of:pod.json"},
		{"io.containers.trace-syscall/web", "of:web.json"},
		{"io.containers.trace-syscall/db", "of:db.json"},
		{"io.kubernetes.cri-o.ContainerType", "container"},
	};
	auto web = pod;
	web["io.kubernetes.cri-o.Metadata"] = R"({"name":"web","attempt":0})";
	CHECK(select_annotation(web)->value == "of:web.json");
	auto db = pod;
	db["io.kubernetes.container.name"] = "db";
	CHECK(select_annotation(db)->value == "of:db.json");
	// A container no key names falls back to the pod-wide key.
	auto cache = pod;
	cache["io.kubernetes.cri-o.Metadata"] = R"({"name":"cache"})";
	CHECK(select_annotation(cache)->value == "of:pod.json");
	cache.erase("io.containers.trace-syscall");
	CHECK_FALSE(select_annotation(cache));
	// An engine that does not say the container's name gets the plain key only.
	pod.erase("io.containers.trace-syscall");
	CHECK_FALSE(select_annotation(pod));
}

TEST_CASE("select_annotation takes containerd's container name, which has no rewrite", "[annotation]")
{
	std::map<std::string, std::string> pod = {
		{"io.containers.trace-syscall/web", "of:web.json"},
		{"io.containers.trace-syscall/db", "of:db.json"},
		{"io.kubernetes.cri.container-type", "container"},
		{"io.kubernetes.cri.sandbox-id", "abc"},
	};
	auto web = pod;
	web["io.kubernetes.cri.container-name"] = "web";
	CHECK(select_annotation(web)->key == "io.containers.trace-syscall/web");
	auto cache = pod;
	cache["io.kubernetes.cri.container-name"] = "cache";
	CHECK_FALSE(select_annotation(cache));
}

TEST_CASE("select_annotation never records a pod's infra container", "[annotation]")
{
	CHECK_FALSE(select_annotation({{"io.containers.trace-syscall", "of:pod.json"},
				       {"io.kubernetes.cri-o.ContainerType", "sandbox"}}));
	CHECK_FALSE(select_annotation({{"io.containers.trace-syscall", "of:pod.json"},
				       {"io.kubernetes.cri.container-type", "sandbox"}}));
}

TEST_CASE("select_annotation refuses malformed CRI-O metadata", "[annotation]")
{
	using Catch::Matchers::Contains;
	for (const char* metadata : {"not json", "[]", R"({"name": 3})", "{}"})
		CHECK_THROWS_WITH(select_annotation({{"io.containers.trace-syscall/web", "of:web.json"},
						     {"io.kubernetes.cri-o.Metadata", metadata}}),
				  Contains("io.kubernetes.cri-o.Metadata"));
}

TEST_CASE("tenant_of: the pod's namespace as CRI-O or containerd set it, and nothing outside Kubernetes", "[annotation]")
{
	using Catch::Matchers::Contains;
	CHECK(tenant_of({{"io.kubernetes.cri-o.Namespace", "team-a"}}) == "team-a");
	CHECK(tenant_of({{"io.kubernetes.cri.sandbox-namespace", "kube-system"}}) == "kube-system");
	CHECK_FALSE(tenant_of({{"io.containers.trace-syscall", "of:a.json"}}));
	// What no namespace is called: refused, never a path.
	for (const char* bad : {"", "../x", "Team", "a/b", "-a", "a-", "a.b"})
		CHECK_THROWS_WITH(tenant_of({{"io.kubernetes.cri.sandbox-namespace", bad}}),
				  Contains("is not a Kubernetes namespace name"));
	CHECK_THROWS(tenant_of({{"io.kubernetes.cri-o.Namespace", std::string(64, 'a')}}));
}

TEST_CASE("annotation args: turns argument rules on or off for one container", "[annotation]")
{
	using Catch::Matchers::Contains;
	CHECK(!parse_annotation("of:a.json").arg_rules);
	CHECK(parse_annotation("of:a.json;args:on").arg_rules == true);
	CHECK(parse_annotation("args: off ; of:a.json").arg_rules == false);
	CHECK_THROWS_WITH(parse_annotation("of:a.json;args:yes"), Contains("args: takes on or off, not 'yes'"));
	CHECK_THROWS_WITH(parse_annotation("of:a.json;args:on;args:off"), Contains("args: given more than once"));
	CHECK_THROWS_WITH(parse_annotation("of:a.json;x:y"), Contains("expected of:, if:, args: or denied:"));
}

TEST_CASE("annotation denied: allows what the container's filter denied, or lists it, for one container",
	  "[annotation]")
{
	using Catch::Matchers::Contains;
	CHECK_FALSE(parse_annotation("of:a.json").allow_denied);
	CHECK(parse_annotation("if:a.json;of:a.json;denied:allow").allow_denied == true);
	CHECK(parse_annotation("denied: list ; of:a.json").allow_denied == false);
	CHECK_THROWS_WITH(parse_annotation("of:a.json;denied:yes"), Contains("denied: takes allow or list, not 'yes'"));
	CHECK_THROWS_WITH(parse_annotation("of:a.json;denied:allow;denied:list"), Contains("denied: given more than once"));
}
