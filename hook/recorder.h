// SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
// One container's recording: a slot in the node's shared BPF program.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>

#include "arg_rules.h"
#include "node_program.h"
#include "syscalls.h"
#include "target.h"

class Recorder {
public:
	// Recording is live when this returns: every syscall of the target after
	// its runtime's first prctl is seen. `btf_cache_dir`: see NodeProgram.
	// With `watch_denied`, what the container's seccomp filter denies is
	// noted too (see denied()); with `arg_rules`, the argument values of
	// enum arg_syscall's syscalls (see arguments()).
	Recorder(const Target& target, const std::string& btf_cache_dir, bool watch_denied, bool arg_rules);
	// Stops recording; the last recording on the node unloads the program.
	~Recorder();
	Recorder(const Recorder&) = delete;
	Recorder& operator=(const Recorder&) = delete;

	// What was recorded so far.
	std::set<SyscallId> syscalls() const;
	// What the container's seccomp filter denied so far: seen leaving the
	// kernel without having entered it.
	std::set<SyscallId> denied() const;
	// Syscalls at which the filter killed a task (SIGSYS).
	std::set<SyscallId> killed() const;
	// The argument values kept so far.
	RecordedArgs arguments() const;
	// Descendants of the init that the members map had no room for.
	uint64_t untracked() const;
	// Whether the runtime got as far as exec'ing the container's process.
	bool execed() const;
	// See NodeProgram::write_btf_cache.
	void write_btf_cache() const { program_->write_btf_cache(); }
	// Its slot in the node's program.
	uint32_t slot() const { return slot_; }

private:
	std::optional<NodeProgram> program_;
	uint32_t slot_ = 0;
};
