// SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
#include <catch2/catch.hpp>

#include <unistd.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "oci/runc_args.h"

using Args = std::vector<std::string>;

TEST_CASE("the bundle of create and run, in every form runc takes", "[runc_args]")
{
	CHECK(parse_runc_args(Args{"runc", "create", "--bundle", "/b", "id"}).bundle == "/b");
	CHECK(parse_runc_args(Args{"runc", "create", "--bundle=/b", "id"}).bundle == "/b");
	CHECK(parse_runc_args(Args{"runc", "run", "-b", "/b", "id"}).bundle == "/b");
	CHECK(parse_runc_args(Args{"runc", "run", "-b=/b", "id"}).bundle == "/b");
	CHECK(parse_runc_args(Args{"runc", "create", "id"}).bundle == ".");
	CHECK(parse_runc_args(Args{"runc", "--debug", "--systemd-cgroup", "run", "--pid-file", "-b", "-d", "id"}).bundle == ".");
	CHECK(parse_runc_args(Args{"runc", "create", "--console-socket", "/s", "--bundle", "/b", "id"}).bundle == "/b");
	// Every other command passes through untouched.
	for (const char* command : {"start", "state", "kill", "delete", "exec", "ps", "features", "--version"})
		CHECK_FALSE(parse_runc_args(Args{"runc", "--root", "/r", command, "--bundle", "/b", "id"}).bundle);
	CHECK_FALSE(parse_runc_args(Args{"runc"}).bundle);
	// The container id "create" is not the command.
	CHECK_FALSE(parse_runc_args(Args{"runc", "state", "create"}).bundle);
}

TEST_CASE("containerd's shim's command line: globals first, its log", "[runc_args]")
{
	RuncArgs a = parse_runc_args(Args{"runc", "--root", "/run/containerd/runc/k8s.io", "--log", "/x/log.json", "--log-format",
					  "json", "create", "--bundle", "/b", "--pid-file", "/x/init.pid", "id"});
	CHECK(a.bundle == "/b");
	CHECK(a.log_path == "/x/log.json");
	CHECK(a.log_format == "json");
	RuncArgs b = parse_runc_args(Args{"runc", "--log=/y.log", "state", "id"});
	CHECK(b.log_path == "/y.log");
	CHECK(b.log_format == "text");
}

TEST_CASE("an error goes to runc's log in its format", "[runc_args]")
{
	char tmpl[] = "/tmp/runc-args-test.XXXXXX";
	std::string dir = ::mkdtemp(tmpl);
	auto read = [](const std::string& path) {
		std::stringstream s;
		s << std::ifstream(path).rdbuf();
		return s.str();
	};
	log_runc_error(parse_runc_args(Args{"runc", "--log", dir + "/log.json", "--log-format", "json", "create", "id"}), "no \"hook\"");
	auto j = nlohmann::json::parse(read(dir + "/log.json"));
	CHECK(j["level"] == "error");
	CHECK(j["msg"] == "no \"hook\"");
	CHECK(j["time"].get<std::string>().size() == 20);
	log_runc_error(parse_runc_args(Args{"runc", "--log", dir + "/log.txt", "create", "id"}), "bad");
	CHECK_THAT(read(dir + "/log.txt"), Catch::Matchers::EndsWith(" level=error msg=\"bad\"\n"));
	log_runc_error(parse_runc_args(Args{"runc", "create", "id"}), "nowhere"); // no log: nothing to do
	std::remove((dir + "/log.json").c_str());
	std::remove((dir + "/log.txt").c_str());
	::rmdir(dir.c_str());
}
