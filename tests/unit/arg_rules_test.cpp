#include <catch2/catch.hpp>

#include "arg_rules.h"

using nlohmann::json;
using Names = std::set<std::string>;

namespace {

json masked(int index, uint64_t mask, uint64_t value)
{
	return {{"index", index}, {"value", mask}, {"valueTwo", value}, {"op", "SCMP_CMP_MASKED_EQ"}};
}

} // namespace

TEST_CASE("kept values become one rule each, in the kernel's encoding", "[arg_rules]")
{
	RecordedArgs args;
	// socket: family << 8 | type, as recorder.bpf.c keeps it.
	args.values[ARG_SOCKET] = {2 << 8 | 1, 1 << 8 | 2};
	args.values[ARG_CLONE] = {0};
	args.values[ARG_SETNS] = {0x40000000};
	args.values[ARG_PERSONALITY] = {0xffffffff};
	args.values[ARG_PRCTL] = {38};
	ArgRules r = make_arg_rules(args, {"socket", "clone", "setns", "personality", "prctl"});

	CHECK(r.allowed.at("socket") == std::vector<json>{json::array({masked(0, 0xffffffff, 1), masked(1, 15, 2)}),
							   json::array({masked(0, 0xffffffff, 2), masked(1, 15, 1)})});
	CHECK(r.described.at("socket") == std::vector<std::string>{"AF_UNIX SOCK_DGRAM", "AF_INET SOCK_STREAM"});
	CHECK(r.allowed.at("clone") == std::vector<json>{json::array({masked(0, CLONE_NS_FLAGS, 0)})});
	CHECK(r.described.at("clone") == std::vector<std::string>{"no new namespace"});
	// setns's namespace type is its second argument.
	CHECK(r.allowed.at("setns") == std::vector<json>{json::array({masked(1, UNSHARE_NS_FLAGS, 0x40000000)})});
	CHECK(r.described.at("setns") == std::vector<std::string>{"CLONE_NEWNET"});
	CHECK(r.allowed.at("personality") == std::vector<json>{json::array({masked(0, 0xffffffff, 0xffffffff)})});
	CHECK(r.allowed.at("prctl") == std::vector<json>{json::array({masked(0, 0xffffffff, 38)})});
	CHECK(r.described.at("prctl") == std::vector<std::string>{"PR_SET_NO_NEW_PRIVS"});
	CHECK(r.described.at("personality") == std::vector<std::string>{"the query (0xffffffff)"});
	CHECK(r.enosys.empty());
	CHECK(r.unrestricted.empty());
}

TEST_CASE("ioctl keeps its request; mmap, mprotect and pkey_mprotect whether memory is writable or executable",
	  "[arg_rules]")
{
	RecordedArgs args;
	args.values[ARG_IOCTL] = {0x5401, 0x5412};
	args.values[ARG_MMAP] = {0, 2, 4};
	args.values[ARG_MPROTECT] = {0, 2};
	args.values[ARG_PKEY_MPROTECT] = {6};
	ArgRules r = make_arg_rules(args, {"ioctl", "mmap", "mprotect", "pkey_mprotect"});
	CHECK(r.allowed.at("ioctl") == std::vector<json>{json::array({masked(1, 0xffffffff, 0x5401)}),
							  json::array({masked(1, 0xffffffff, 0x5412)})});
	CHECK(r.described.at("ioctl") == std::vector<std::string>{"TCGETS", "TIOCSTI"});
	CHECK(r.allowed.at("mmap").size() == 3);
	CHECK(r.allowed.at("mmap")[2] == json::array({masked(2, PROT_WX, 4)}));
	CHECK(r.described.at("mprotect") == std::vector<std::string>{"neither writable nor executable", "writable, not executable"});
	CHECK(r.described.at("pkey_mprotect") == std::vector<std::string>{"writable and executable"});
}

TEST_CASE("clone3 is answered ENOSYS and its flags are allowed to clone", "[arg_rules]")
{
	RecordedArgs args;
	args.values[ARG_CLONE] = {0, 0x20000000 | 0x00020000};
	ArgRules r = make_arg_rules(args, {"clone3"});
	CHECK(r.enosys == Names{"clone3"});
	CHECK(r.described.at("clone") == std::vector<std::string>{"no new namespace", "CLONE_NEWNS|CLONE_NEWPID"});
}

TEST_CASE("a rule past its limit, or with a value that could not be read, allows its syscall whatever the arguments",
	  "[arg_rules]")
{
	RecordedArgs args;
	args.values[ARG_PRCTL] = {1, 2, 3};
	args.values[ARG_SOCKET] = {2 << 8 | 1};
	args.overflow = 1U << ARG_PRCTL | 1U << ARG_CLONE;
	ArgRules r = make_arg_rules(args, {"prctl", "socket", "clone3"});
	CHECK(r.unrestricted == Names{"clone", "prctl"});
	CHECK(!r.allowed.count("prctl"));
	CHECK(!r.allowed.count("clone"));
	CHECK(r.allowed.count("socket"));
	CHECK(r.enosys == Names{"clone3"}); // clone takes any flags: falling back loses nothing

	// Recorded with no value kept (denied by the filter, then allowed with
	// --allow-denied): no rule can say what it needs.
	CHECK(make_arg_rules({}, {"unshare"}).unrestricted == Names{"unshare"});
	// Neither recorded nor kept: nothing to say.
	CHECK(make_arg_rules({}, {"read"}).allowed.empty());
}
