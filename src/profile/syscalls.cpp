// SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
#include "profile/syscalls.h"

#include <seccomp.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstdlib>
#include <memory>

#include "base/error.h"

const std::vector<Abi>& host_abis()
{
	static const std::vector<Abi> abis = [] {
		uint32_t native = seccomp_arch_native();
		switch (native) {
		case SCMP_ARCH_X86_64:
			return std::vector<Abi>{{ABI_NATIVE, SCMP_ARCH_X86_64},
						{ABI_COMPAT, SCMP_ARCH_X86},
						{ABI_X32, SCMP_ARCH_X32}};
		case SCMP_ARCH_AARCH64:
			return std::vector<Abi>{{ABI_NATIVE, SCMP_ARCH_AARCH64}, {ABI_COMPAT, SCMP_ARCH_ARM}};
		default:
			return std::vector<Abi>{{ABI_NATIVE, native}};
		}
	}();
	return abis;
}

bool kernel_runs_x32()
{
#if defined(__x86_64__)
	return ::syscall(X32_SYSCALL_BIT | SYS_getpid) == ::getpid();
#else
	return false;
#endif
}

std::string arch_name(uint32_t scmp_arch)
{
	switch (scmp_arch) {
	case SCMP_ARCH_X86_64: return "SCMP_ARCH_X86_64";
	case SCMP_ARCH_X86: return "SCMP_ARCH_X86";
	case SCMP_ARCH_X32: return "SCMP_ARCH_X32";
	case SCMP_ARCH_AARCH64: return "SCMP_ARCH_AARCH64";
	case SCMP_ARCH_ARM: return "SCMP_ARCH_ARM";
	case SCMP_ARCH_PPC64LE: return "SCMP_ARCH_PPC64LE";
	case SCMP_ARCH_S390X: return "SCMP_ARCH_S390X";
	case SCMP_ARCH_RISCV64: return "SCMP_ARCH_RISCV64";
	default: throw Error("no profile name for seccomp architecture " + std::to_string(scmp_arch));
	}
}

std::vector<std::string> host_arch_names()
{
	std::vector<std::string> names;
	for (const Abi& abi : host_abis())
		names.push_back(arch_name(abi.scmp_arch));
	return names;
}

std::optional<std::string> syscall_name(uint32_t scmp_arch, int nr)
{
	std::unique_ptr<char, decltype(&std::free)> name(seccomp_syscall_resolve_num_arch(scmp_arch, nr),
							 &std::free);
	if (!name)
		return std::nullopt;
	return std::string(name.get());
}

bool is_known_syscall(const std::string& name)
{
	for (const Abi& abi : host_abis())
		if (seccomp_syscall_resolve_name_arch(abi.scmp_arch, name.c_str()) >= 0)
			return true;
	return false;
}

std::optional<uint32_t> syscall_nr(uint32_t scmp_arch, const std::string& name)
{
	int nr = seccomp_syscall_resolve_name_arch(scmp_arch, name.c_str());
	return nr < 0 ? std::nullopt : std::optional<uint32_t>(static_cast<uint32_t>(nr));
}

int native_syscall_nr(const std::string& name)
{
	int nr = seccomp_syscall_resolve_name(name.c_str());
	if (nr < 0)
		throw Error("libseccomp has no native syscall named " + name);
	return nr;
}

ResolvedNames resolve_names(const std::set<SyscallId>& ids)
{
	ResolvedNames out;
	for (const SyscallId& id : ids) {
		std::optional<std::string> name;
		std::string arch;
		for (const Abi& abi : host_abis())
			if (abi.id == id.abi) {
				name = syscall_name(abi.scmp_arch, static_cast<int>(id.nr));
				arch = arch_name(abi.scmp_arch);
			}
		if (!name) {
			out.unnamed.push_back(id);
			continue;
		}
		out.by_arch[arch].insert(*name);
		out.names.insert(std::move(*name));
	}
	return out;
}
