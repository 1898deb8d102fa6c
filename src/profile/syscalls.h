// SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
// Syscall names and architectures, all from libseccomp: no table of our own.
#pragma once

#include <cstdint>
#include <compare>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <linux/types.h>
#include "bpf/recorder_types.h"

// One ABI the recorder tells apart, and the libseccomp architecture that
// names its syscalls.
struct Abi {
	recorder_abi id;
	uint32_t scmp_arch;
};

// The ABIs a container can use on this host, native first.
const std::vector<Abi>& host_abis();
// The profile's "architectures": SCMP_ARCH_* of every host ABI.
std::vector<std::string> host_arch_names();
// Whether this kernel dispatches x32 syscalls (x86_64 with the x32 ABI
// built in and enabled): tried with an x32 getpid.
bool kernel_runs_x32();
// SCMP_ARCH_X86_64 and the like for a libseccomp architecture token.
std::string arch_name(uint32_t scmp_arch);

std::optional<std::string> syscall_name(uint32_t scmp_arch, int nr);
// Whether any host ABI has a syscall of that name (libseccomp gives other
// architectures' syscalls negative pseudo-numbers).
bool is_known_syscall(const std::string& name);
// A syscall's number on a libseccomp architecture, if it has one there.
std::optional<uint32_t> syscall_nr(uint32_t scmp_arch, const std::string& name);
// The native number of a syscall libseccomp must know.
int native_syscall_nr(const std::string& name);

// A syscall as the recorder sees it: an ABI and a number.
struct SyscallId {
	uint32_t abi;
	uint32_t nr;
	auto operator<=>(const SyscallId&) const = default;
};

struct ResolvedNames {
	std::set<std::string> names;
	std::map<std::string, std::set<std::string>> by_arch; // SCMP_ARCH_* -> names
	std::vector<SyscallId> unnamed; // numbers this libseccomp has no name for
};
ResolvedNames resolve_names(const std::set<SyscallId>& ids);
