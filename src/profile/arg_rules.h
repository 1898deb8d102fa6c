// SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
// Argument rules: what the recorder kept of the arguments of the syscalls
// that enum arg_syscall lists, turned into the OCI seccomp "args" that allow
// each of them only with the values seen.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include <linux/types.h>
#include "bpf/recorder_types.h"

// The syscall of an enum arg_syscall.
const char* arg_syscall_name(uint32_t which);

// The numbers of enum arg_syscall's syscalls on each host ABI, as the
// program matches them (x32's without the x32 bit: its ioctl is 514, not
// native 16); ~0 where an ABI has no such syscall, or the host no such ABI.
using ArgSyscallTable = std::array<std::array<uint32_t, ARG_SYSCALL_COUNT>, ABI_COUNT>;
ArgSyscallTable arg_syscall_numbers();

struct RecordedArgs {
	std::map<uint32_t, std::set<uint64_t>> values; // by rule (enum arg_syscall)
	uint32_t overflow = 0;                         // bit per rule: values dropped
};

// One rule: its "args", and what it allows in words, for a reader
// ("AF_INET SOCK_STREAM").
struct ArgRule {
	nlohmann::json args;
	std::string comment;
};

struct ArgRules {
	// Syscalls allowed only with these arguments: their rules, which a
	// filter ORs.
	std::map<std::string, std::vector<ArgRule>> allowed;
	// Answered ENOSYS: clone3, whose flags a filter cannot read; libc then
	// falls back to clone, whose rules hold clone3's flags too.
	std::set<std::string> enosys;
	// Recorded, but with more values than a recording keeps, or with flags
	// that could not be read: allowed whatever their arguments.
	std::set<std::string> unrestricted;
};

// `recorded`: the syscall names recorded, which say whether clone3 and the
// rules' syscalls ran at all.
ArgRules make_arg_rules(const RecordedArgs& args, const std::set<std::string>& recorded);
