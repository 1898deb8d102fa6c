// SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
#include "profile/arg_rules.h"

#include <array>
#include <cstdio>

#include "profile/syscalls.h"

using nlohmann::json;

namespace {

constexpr std::array<const char*, ARG_SYSCALL_COUNT> kNames = {
#define ARG_SYSCALL_NAME(id, name) #name,
	ARG_SYSCALLS(ARG_SYSCALL_NAME)
#undef ARG_SYSCALL_NAME
};
constexpr uint64_t kInt = 0xffffffff;

// (arg & mask) == value. Ints are compared on their low 32 bits, which is all
// the kernel reads of them: what a caller leaves in a register's upper half
// must not decide.
json masked(uint32_t index, uint64_t mask, uint64_t value)
{
	return {{"index", index}, {"value", mask}, {"valueTwo", value}, {"op", "SCMP_CMP_MASKED_EQ"}};
}

// The names of the namespace flags in `flags`, or "no new namespace".
std::string namespaces(uint64_t flags)
{
	static const std::pair<uint64_t, const char*> kFlags[] = {
		{0x00020000, "CLONE_NEWNS"},   {0x02000000, "CLONE_NEWCGROUP"}, {0x04000000, "CLONE_NEWUTS"},
		{0x08000000, "CLONE_NEWIPC"},  {0x10000000, "CLONE_NEWUSER"},   {0x20000000, "CLONE_NEWPID"},
		{0x40000000, "CLONE_NEWNET"},  {0x00000080, "CLONE_NEWTIME"}};
	std::string out;
	for (const auto& [bit, name] : kFlags)
		if (flags & bit) {
			if (!out.empty())
				out += '|';
			out += name;
		}
	return out.empty() ? "no new namespace" : out;
}

using Names = std::map<uint64_t, const char*>;

// The constant's name for a value, or `what` and the value in hex.
std::string name_of(const Names& names, uint64_t value, const char* what)
{
	if (auto it = names.find(value); it != names.end())
		return it->second;
	char buf[48];
	std::snprintf(buf, sizeof(buf), "%s 0x%llx", what, static_cast<unsigned long long>(value));
	return buf;
}

const Names kFamilies = {{1, "AF_UNIX"},     {2, "AF_INET"},     {4, "AF_IPX"},     {5, "AF_APPLETALK"},
			 {9, "AF_X25"},      {10, "AF_INET6"},   {16, "AF_NETLINK"}, {17, "AF_PACKET"},
			 {29, "AF_CAN"},     {31, "AF_BLUETOOTH"}, {38, "AF_ALG"},   {40, "AF_VSOCK"},
			 {44, "AF_XDP"}};
const Names kSocketTypes = {{1, "SOCK_STREAM"}, {2, "SOCK_DGRAM"}, {3, "SOCK_RAW"},   {4, "SOCK_RDM"},
			    {5, "SOCK_SEQPACKET"}, {6, "SOCK_DCCP"}, {10, "SOCK_PACKET"}};
const Names kIoctls = {{0x5401, "TCGETS"},     {0x5402, "TCSETS"},     {0x5403, "TCSETSW"},    {0x5404, "TCSETSF"},
		       {0x540e, "TIOCSCTTY"},  {0x540f, "TIOCGPGRP"},  {0x5410, "TIOCSPGRP"},  {0x5412, "TIOCSTI"},
		       {0x5413, "TIOCGWINSZ"}, {0x5414, "TIOCSWINSZ"}, {0x541b, "FIONREAD"},   {0x5421, "FIONBIO"},
		       {0x5450, "FIONCLEX"},   {0x5451, "FIOCLEX"},    {0x5452, "FIOASYNC"},   {0x80045430, "TIOCGPTN"},
		       {0x40045431, "TIOCSPTLCK"}};
const Names kPersonas = {{0, "PER_LINUX"}, {8, "PER_LINUX32"}, {0xffffffff, "the query (0xffffffff)"}};
const Names kPrctlOptions = {
	{1, "PR_SET_PDEATHSIG"}, {2, "PR_GET_PDEATHSIG"},  {3, "PR_GET_DUMPABLE"},   {4, "PR_SET_DUMPABLE"},
	{7, "PR_GET_KEEPCAPS"},  {8, "PR_SET_KEEPCAPS"},   {15, "PR_SET_NAME"},      {16, "PR_GET_NAME"},
	{21, "PR_GET_SECCOMP"},  {22, "PR_SET_SECCOMP"},   {23, "PR_CAPBSET_READ"},  {24, "PR_CAPBSET_DROP"},
	{36, "PR_SET_CHILD_SUBREAPER"}, {37, "PR_GET_CHILD_SUBREAPER"}, {38, "PR_SET_NO_NEW_PRIVS"},
	{39, "PR_GET_NO_NEW_PRIVS"}, {47, "PR_CAP_AMBIENT"}};
// What a PROT_WX value allows of a mapping.
const Names kProtections = {{0, "neither writable nor executable"}, {2, "writable, not executable"},
			    {4, "executable, not writable"},        {6, "writable and executable"}};

// The rule for a kept value.
ArgRule rule_for(uint32_t which, uint64_t value)
{
	switch (which) {
	case ARG_SOCKET: {
		uint64_t family = value >> 8, type = value & SOCK_TYPE_MASK;
		return {json::array({masked(0, kInt, family), masked(1, SOCK_TYPE_MASK, type)}),
			name_of(kFamilies, family, "family") + " " + name_of(kSocketTypes, type, "type")};
	}
	case ARG_CLONE:
		return {json::array({masked(0, CLONE_NS_FLAGS, value)}), namespaces(value)};
	case ARG_UNSHARE:
		return {json::array({masked(0, UNSHARE_NS_FLAGS, value)}), namespaces(value)};
	case ARG_SETNS:
		return {json::array({masked(1, UNSHARE_NS_FLAGS, value)}),
			value ? namespaces(value) : "nstype 0 (any namespace type)"};
	case ARG_PERSONALITY:
		return {json::array({masked(0, kInt, value)}), name_of(kPersonas, value, "persona")};
	case ARG_PRCTL:
		return {json::array({masked(0, kInt, value)}), name_of(kPrctlOptions, value, "option")};
	case ARG_IOCTL:
		return {json::array({masked(1, kInt, value)}), name_of(kIoctls, value, "request")};
	default: // mmap, mprotect, pkey_mprotect
		return {json::array({masked(2, PROT_WX, value)}), name_of(kProtections, value, "prot")};
	}
}

} // namespace

const char* arg_syscall_name(uint32_t which)
{
	return which < kNames.size() ? kNames[which] : "?";
}

ArgSyscallTable arg_syscall_numbers()
{
	ArgSyscallTable table;
	for (auto& row : table)
		row.fill(~0U);
	for (const Abi& abi : host_abis())
		for (uint32_t i = 0; i < ARG_SYSCALL_COUNT; ++i)
			if (std::optional<uint32_t> nr = syscall_nr(abi.scmp_arch, arg_syscall_name(i)))
				table[abi.id][i] = abi.id == ABI_X32 ? *nr & ~uint32_t{X32_SYSCALL_BIT} : *nr;
	return table;
}

ArgRules make_arg_rules(const RecordedArgs& args, const std::set<std::string>& recorded)
{
	ArgRules out;
	for (uint32_t which = 0; which < ARG_RULE_COUNT; ++which) {
		std::string name = kNames[which];
		bool ran = recorded.count(name) || (which == ARG_CLONE && recorded.count("clone3"));
		auto values = args.values.find(which);
		bool have = values != args.values.end() && !values->second.empty();
		if (args.overflow & (1U << which) || (ran && !have)) {
			if (ran)
				out.unrestricted.insert(name);
			continue;
		}
		if (!have)
			continue;
		for (uint64_t value : values->second)
			out.allowed[name].push_back(rule_for(which, value));
	}
	if (recorded.count("clone3"))
		out.enosys.insert("clone3");
	return out;
}
