// SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
#include <catch2/catch.hpp>

#include "base/error.h"
#include "node/recording_info.h"

TEST_CASE("a recording's info for status reads back as written, and nothing else reads", "[recording_info]")
{
	RecordingInfo info{"8d14c0a1b2c3", 4242, "/var/lib/oci-seccomp-profiles/team-a/web.json", "2026-11-27T12:31:07.412Z", std::nullopt};
	RecordingInfo back = parse_recording_info(render_recording_info(info));
	CHECK(back.container_id == info.container_id);
	CHECK(back.pid == info.pid);
	CHECK(back.profile == info.profile);
	CHECK(back.started == info.started);
	CHECK_FALSE(back.owner);
	info.owner = 1002; // a rootless user's, through the recording service
	CHECK(parse_recording_info(render_recording_info(info)).owner == 1002u);

	CHECK_THROWS_AS(parse_recording_info(""), Error);
	CHECK_THROWS_AS(parse_recording_info("[]"), Error);
	CHECK_THROWS_AS(parse_recording_info(R"({"container":"x","profile":"p","started":"s"})"), Error);
	CHECK_THROWS_AS(parse_recording_info(R"({"container":1,"pid":2,"profile":"p","started":"s"})"), Error);
	CHECK_THROWS_AS(parse_recording_info(R"({"container":"x","pid":2,"profile":"p","started":"s","owner":-1})"), Error);
	CHECK_THROWS_AS(parse_recording_info(R"({"container":"x","pid":2,"profile":"p","started":"s","owner":"me"})"), Error);
}
