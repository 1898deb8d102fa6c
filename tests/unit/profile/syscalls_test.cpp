// SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
#include <catch2/catch.hpp>

#include <seccomp.h>

#include "profile/syscalls.h"

// Numbers from the kernel's syscall tables of each architecture.
TEST_CASE("syscall numbers resolve per architecture", "[syscalls]")
{
	CHECK(syscall_name(SCMP_ARCH_X86_64, 39) == "getpid");
	CHECK(syscall_name(SCMP_ARCH_X86, 20) == "getpid");
	CHECK(syscall_name(SCMP_ARCH_X86_64, 0) == "read");
	CHECK(syscall_name(SCMP_ARCH_X86, 3) == "read");
	CHECK(syscall_name(SCMP_ARCH_AARCH64, 172) == "getpid");
	CHECK(syscall_name(SCMP_ARCH_ARM, 20) == "getpid");
	CHECK_FALSE(syscall_name(SCMP_ARCH_X86_64, 1023));
}

TEST_CASE("recorded ids resolve with their ABI, unknown ones are kept aside", "[syscalls]")
{
	// The same number is a different syscall in the native and compat ABIs.
	const Abi& compat = host_abis().at(1);
	int getpid_compat = seccomp_syscall_resolve_name_arch(compat.scmp_arch, "getpid");
	REQUIRE(getpid_compat > 0);
	ResolvedNames r = resolve_names({{ABI_NATIVE, static_cast<uint32_t>(native_syscall_nr("read"))},
					 {ABI_COMPAT, static_cast<uint32_t>(getpid_compat)},
					 {ABI_NATIVE, 1023}});
	CHECK(r.names == std::set<std::string>{"getpid", "read"});
	REQUIRE(r.unnamed.size() == 1);
	CHECK(r.unnamed[0].nr == 1023);
}

TEST_CASE("host architectures list native first", "[syscalls]")
{
	auto arches = host_arch_names();
	REQUIRE_FALSE(arches.empty());
	CHECK(arches[0] == arch_name(seccomp_arch_native()));
#if defined(__x86_64__)
	CHECK(arches == std::vector<std::string>{"SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"});
#elif defined(__aarch64__)
	CHECK(arches == std::vector<std::string>{"SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM"});
#endif
}

TEST_CASE("syscall names are checked against the host ABIs", "[syscalls]")
{
	CHECK(is_known_syscall("read"));
	CHECK_FALSE(is_known_syscall("not_a_syscall"));
	CHECK(native_syscall_nr("prctl") > 0);
}
