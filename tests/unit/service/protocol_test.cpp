// SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>

#include "base/error.h"
#include "service/client.h"
#include "service/ownership.h"
#include "service/protocol.h"

using Catch::Matchers::Contains;

TEST_CASE("a request reads back as written, and nothing else reads", "[service]")
{
	using Op = ServiceRequest::Op;
	ServiceRequest req{Op::record, R"({"pid":42})", nlohmann::json{{"defaultAction", "SCMP_ACT_ERRNO"}}};
	ServiceRequest back = parse_request(render_request(req));
	CHECK(back.op == Op::record);
	CHECK(back.state == req.state);
	CHECK(back.seccomp == req.seccomp);
	CHECK_FALSE(parse_request(render_request({Op::record, "{}", std::nullopt})).seccomp);
	CHECK(parse_request(render_request({Op::record, "{}", nlohmann::json(nullptr)})).seccomp->is_null());
	CHECK(parse_request(render_request({Op::status, "", std::nullopt})).op == Op::status);

	CHECK_THROWS_WITH(parse_request("not json"), "request is not valid JSON");
	CHECK_THROWS_WITH(parse_request("[]"), "request is not a JSON object");
	CHECK_THROWS_WITH(parse_request(R"({"version":2,"op":"record","state":"{}"})"), Contains("protocol version 1"));
	CHECK_THROWS_WITH(parse_request(R"({"version":1,"state":"{}"})"), "request's op is neither record nor status");
	CHECK_THROWS_WITH(parse_request(R"({"version":1,"op":"record"})"), "request has no state");
	CHECK_THROWS_WITH(parse_request(R"({"version":1,"op":"record","state":"{}","uid":0})"),
			  "request has an unknown field uid");
	CHECK_THROWS_WITH(parse_request(R"({"version":1,"op":"status","state":"{}"})"), "request has an unknown field state");
	CHECK_THROWS_WITH(parse_request(R"({"version":1,"op":"record","state":"{}","seccomp":"x"})"), Contains("seccomp"));
}

namespace {

// A connected pair: what the hook sends on one end, the service reads on the other.
struct Pair {
	Pair()
	{
		int fds[2];
		REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) == 0);
		hook.reset(fds[0]);
		service.reset(fds[1]);
	}
	UniqueFd hook, service;
};

auto soon() { return std::chrono::steady_clock::now() + std::chrono::seconds(5); }

} // namespace

TEST_CASE("a request arrives with its one directory, or none; a silent or oversized one is refused", "[service]")
{
	{
		Pair p;
		UniqueFd dir(::open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
		send_request(p.hook.get(), "{\"x\":1}", dir.get());
		ReceivedRequest got = receive_request(p.service.get(), soon());
		CHECK(got.text == "{\"x\":1}");
		CHECK(got.dir);
	}
	{
		Pair p;
		REQUIRE(::write(p.hook.get(), "{}", 2) == 2);
		::shutdown(p.hook.get(), SHUT_WR);
		CHECK_FALSE(receive_request(p.service.get(), soon()).dir); // a status request's
	}
	{
		Pair p; // connects, sends nothing
		auto now = std::chrono::steady_clock::now() + std::chrono::milliseconds(50);
		CHECK_THROWS_WITH(receive_request(p.service.get(), now), "request: nothing came in time");
	}
	{
		Pair p;
		std::string big(kMaxRequestBytes + 1, ' ');
		pid_t writer = ::fork();
		REQUIRE(writer >= 0);
		if (writer == 0) {
			UniqueFd dir(::open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
			try {
				send_request(p.hook.get(), big, dir.get());
			} catch (...) {
			}
			::_exit(0);
		}
		p.hook.reset();
		CHECK_THROWS_WITH(receive_request(p.service.get(), soon()), Contains("larger than"));
		p.service.reset();
		::waitpid(writer, nullptr, 0);
	}
}

TEST_CASE("the service's answer is its first line; none is an error", "[service]")
{
	Pair p;
	REQUIRE(::write(p.service.get(), "error: no\nmore", 14) == 14);
	CHECK(receive_answer(p.hook.get(), soon()) == "error: no");
	Pair q;
	q.service.reset();
	CHECK_THROWS_WITH(receive_answer(q.hook.get(), soon()), Contains("without an answer"));
}

TEST_CASE("descent follows parents up to the ancestor, and stops at the top or a gone process", "[service]")
{
	// 40 <- 30 <- 20 <- 1; 99's parent is gone.
	auto parent_of = [](pid_t pid) -> std::optional<pid_t> {
		switch (pid) {
		case 40: return 30;
		case 30: return 20;
		case 20: return 1;
		case 1: return 0;
		case 99: return 98;
		default: return std::nullopt;
		}
	};
	CHECK(descends_from(40, 20, parent_of));
	CHECK(descends_from(40, 40, parent_of));
	CHECK_FALSE(descends_from(20, 40, parent_of));
	CHECK_FALSE(descends_from(99, 1, parent_of));
	// A loop (a parent that names itself) ends.
	CHECK_FALSE(descends_from(7, 1, [](pid_t) { return std::optional<pid_t>(7); }));
	CHECK(account_of(::getpid()) == ::getuid());
}

TEST_CASE("a service that refuses before it reads the request is heard, not a broken pipe", "[service]")
{
	char dir_template[] = "/tmp/service-client-test.XXXXXX";
	REQUIRE(::mkdtemp(dir_template));
	std::string dir = dir_template;
	std::string path = dir + "/service.sock";
	UniqueFd listening(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
	struct sockaddr_un addr = {};
	addr.sun_family = AF_UNIX;
	std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
	REQUIRE(::bind(listening.get(), reinterpret_cast<struct sockaddr*>(&addr), sizeof(addr)) == 0);
	REQUIRE(::listen(listening.get(), 1) == 0);
	pid_t service = ::fork();
	REQUIRE(service >= 0);
	if (service == 0) { // as the cap does: answer, close, read nothing
		int conn = ::accept(listening.get(), nullptr, nullptr);
		(void)!::write(conn, "error: the cap\n", 15);
		::close(conn);
		::_exit(0);
	}
	// A state far larger than the socket's buffer: the send is under way
	// when the service closes.
	std::string state = "{\"pad\":\"" + std::string(1 << 20, 'x') + "\"}";
	CHECK_THROWS_WITH(request_recording(state, dir + "/no-bundle", dir + "/profiles", path, std::chrono::seconds(5)),
			  "the cap");
	::waitpid(service, nullptr, 0);
	std::filesystem::remove_all(dir);
}
