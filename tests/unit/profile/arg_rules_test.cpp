// SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
#include <catch2/catch.hpp>

#include "profile/arg_rules.h"
#include "profile/syscalls.h"

using nlohmann::json;
using Names = std::set<std::string>;

namespace {

json masked(int index, uint64_t mask, uint64_t value)
{
	return {{"index", index}, {"value", mask}, {"valueTwo", value}, {"op", "SCMP_CMP_MASKED_EQ"}};
}

// A syscall's rules, their args and their comments apart.
std::vector<json> args_of(const ArgRules& rules, const std::string& name)
{
	std::vector<json> out;
	for (const ArgRule& rule : rules.allowed.at(name))
		out.push_back(rule.args);
	return out;
}

std::vector<std::string> comments_of(const ArgRules& rules, const std::string& name)
{
	std::vector<std::string> out;
	for (const ArgRule& rule : rules.allowed.at(name))
		out.push_back(rule.comment);
	return out;
}

} // namespace

TEST_CASE("each ABI's own syscall numbers are matched: x32's ioctl is 514", "[arg_rules]")
{
	ArgSyscallTable table = arg_syscall_numbers();
	for (const Abi& abi : host_abis())
		for (uint32_t i = 0; i < ARG_SYSCALL_COUNT; ++i) {
			std::optional<uint32_t> nr = syscall_nr(abi.scmp_arch, arg_syscall_name(i));
			CHECK(table[abi.id][i] == (nr ? *nr & ~uint32_t{X32_SYSCALL_BIT} : ~0U));
		}
#if defined(__x86_64__)
	CHECK(table[ABI_NATIVE][ARG_IOCTL] == 16);
	CHECK(table[ABI_COMPAT][ARG_IOCTL] == 54);
	CHECK(table[ABI_X32][ARG_IOCTL] == 514);
	CHECK(table[ABI_X32][ARG_SOCKET] == 41);
#endif
}

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

	CHECK(args_of(r, "socket") == std::vector<json>{json::array({masked(0, 0xffffffff, 1), masked(1, 15, 2)}),
							   json::array({masked(0, 0xffffffff, 2), masked(1, 15, 1)})});
	CHECK(comments_of(r, "socket") == std::vector<std::string>{"AF_UNIX SOCK_DGRAM", "AF_INET SOCK_STREAM"});
	CHECK(args_of(r, "clone") == std::vector<json>{json::array({masked(0, CLONE_NS_FLAGS, 0)})});
	CHECK(comments_of(r, "clone") == std::vector<std::string>{"no new namespace"});
	// setns's namespace type is its second argument.
	CHECK(args_of(r, "setns") == std::vector<json>{json::array({masked(1, UNSHARE_NS_FLAGS, 0x40000000)})});
	CHECK(comments_of(r, "setns") == std::vector<std::string>{"CLONE_NEWNET"});
	CHECK(args_of(r, "personality") == std::vector<json>{json::array({masked(0, 0xffffffff, 0xffffffff)})});
	CHECK(args_of(r, "prctl") == std::vector<json>{json::array({masked(0, 0xffffffff, 38)})});
	CHECK(comments_of(r, "prctl") == std::vector<std::string>{"PR_SET_NO_NEW_PRIVS"});
	CHECK(comments_of(r, "personality") == std::vector<std::string>{"the query (0xffffffff)"});
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
	CHECK(args_of(r, "ioctl") == std::vector<json>{json::array({masked(1, 0xffffffff, 0x5401)}),
							  json::array({masked(1, 0xffffffff, 0x5412)})});
	CHECK(comments_of(r, "ioctl") == std::vector<std::string>{"TCGETS", "TIOCSTI"});
	CHECK(args_of(r, "mmap").size() == 3);
	CHECK(args_of(r, "mmap")[2] == json::array({masked(2, PROT_WX, 4)}));
	CHECK(comments_of(r, "mprotect") == std::vector<std::string>{"neither writable nor executable", "writable, not executable"});
	CHECK(comments_of(r, "pkey_mprotect") == std::vector<std::string>{"writable and executable"});
}

TEST_CASE("clone3 is answered ENOSYS and its flags are allowed to clone", "[arg_rules]")
{
	RecordedArgs args;
	args.values[ARG_CLONE] = {0, 0x20000000 | 0x00020000};
	ArgRules r = make_arg_rules(args, {"clone3"});
	CHECK(r.enosys == Names{"clone3"});
	CHECK(comments_of(r, "clone") == std::vector<std::string>{"no new namespace", "CLONE_NEWNS|CLONE_NEWPID"});
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
