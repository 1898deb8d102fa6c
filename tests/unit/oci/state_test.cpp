// SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
#include <catch2/catch.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <string>

#include "base/error.h"
#include "base/fd.h"
#include "oci/state.h"

TEST_CASE("state from a runtime parses", "[state]")
{
	State s = parse_state(R"({"ociVersion":"1.0.2-dev","id":"abc","status":"creating","pid":4242,
		"bundle":"/run/b","annotations":{"io.containers.trace-syscall":"of:x.json","other":"1"}})");
	CHECK(s.id == "abc");
	CHECK(s.pid == 4242);
	CHECK(s.bundle == "/run/b");
	CHECK(s.annotations.at("io.containers.trace-syscall") == "of:x.json");
	CHECK(s.annotations.size() == 2);
}

TEST_CASE("state without annotations parses", "[state]")
{
	State s = parse_state(R"({"pid":1})");
	CHECK(s.annotations.empty());
}

TEST_CASE("bad state is refused with a reason", "[state]")
{
	using Catch::Matchers::Contains;
	CHECK_THROWS_WITH(parse_state("not json"), Contains("not valid JSON"));
	CHECK_THROWS_WITH(parse_state("[1]"), Contains("not a JSON object"));
	CHECK_THROWS_WITH(parse_state(R"({"id":"x"})"), Contains("no pid"));
	CHECK_THROWS_WITH(parse_state(R"({"pid":"12"})"), Contains("not a positive process id"));
	CHECK_THROWS_WITH(parse_state(R"({"pid":0})"), Contains("not a positive process id"));
	CHECK_THROWS_WITH(parse_state(R"({"pid":-5})"), Contains("not a positive process id"));
	CHECK_THROWS_WITH(parse_state(R"({"pid":99999999999})"), Contains("not a positive process id"));
	CHECK_THROWS_WITH(parse_state(R"({"pid":1,"annotations":[]})"), Contains("annotations is not an object"));
	CHECK_THROWS_WITH(parse_state(R"({"pid":1,"annotations":{"a":1}})"), Contains("annotation a is not a string"));
}

TEST_CASE("oversized state on stdin is refused", "[state]")
{
	int fds[2];
	REQUIRE(::pipe(fds) == 0);
	UniqueFd rd(fds[0]);
	pid_t writer = ::fork();
	REQUIRE(writer >= 0);
	if (writer == 0) {
		::close(fds[0]);
		std::string chunk(65536, ' ');
		for (size_t sent = 0; sent <= kMaxStateBytes + chunk.size(); sent += chunk.size())
			if (::write(fds[1], chunk.data(), chunk.size()) < 0)
				break;
		::_exit(0);
	}
	::close(fds[1]);
	CHECK_THROWS_WITH(read_capped(rd.get(), kMaxStateBytes, "state on stdin"), Catch::Matchers::Contains("larger than"));
	rd.reset(); // the writer gets EPIPE and ends
	int status;
	::waitpid(writer, &status, 0);
}
