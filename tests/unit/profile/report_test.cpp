// SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "profile/report.h"

TEST_CASE("a report is JSON with every field a pipeline reads", "[report]")
{
	Report r;
	r.container_id = "abc";
	r.container_name = "web";
	r.profile = "/p/team-a/web.json";
	r.under_seccomp = true;
	r.started = {1795000000, 123456789};
	r.ended = {1795000001, 5000000};
	r.ended_by = "signal 15";
	r.recorded = {{"SCMP_ARCH_X86_64", {"read", "write"}}, {"SCMP_ARCH_X86", {"sgetmask"}}};
	r.untracked = 3;
	auto j = nlohmann::json::parse(render_report(r));
	CHECK(j["recorder"].get<std::string>().rfind("oci-seccomp-recorder ", 0) == 0);
	CHECK(j["profile"] == "/p/team-a/web.json");
	CHECK(j["container"] == nlohmann::json({{"id", "abc"}, {"name", "web"}}));
	CHECK(j["underSeccomp"] == true);
	CHECK(j["started"] == "2026-11-18T11:06:40.123Z");
	CHECK(j["ended"] == "2026-11-18T11:06:41.005Z");
	CHECK(j["endedBy"] == "signal 15");
	CHECK(j["recorded"]["SCMP_ARCH_X86_64"] == nlohmann::json({"read", "write"}));
	CHECK(j["recorded"]["SCMP_ARCH_X86"] == nlohmann::json({"sgetmask"}));
	CHECK(j["denied"] == nlohmann::json::object());
	CHECK(j["killed"] == nlohmann::json::object());
	CHECK(j["untrackedProcesses"] == 3);
	// Unknown where the bundle could not be read; no name outside pods.
	Report bare;
	auto k = nlohmann::json::parse(render_report(bare));
	CHECK(k["underSeccomp"].is_null());
	CHECK_FALSE(k["container"].contains("name"));
}
