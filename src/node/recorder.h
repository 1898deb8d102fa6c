// SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
// One container's recording: a slot in the node's shared BPF program.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>

#include "node/node_program.h"
#include "node/target.h"
#include "profile/arg_rules.h"
#include "profile/syscalls.h"

// What a recording holds so far, read out of its slot.
struct Recorded {
	std::set<SyscallId> syscalls;
	// What the container's seccomp filter denied: seen leaving the kernel
	// without having entered it.
	std::set<SyscallId> denied;
	// Syscalls at which the filter killed a task (SIGSYS).
	std::set<SyscallId> killed;
	// Refusals while the task had seccomp filters of its own on top of the
	// container's, apart from denied and killed: whose filter refused is
	// told from how (ContainerFilter::refused_by_workload).
	struct Stacked {
		uint64_t errnos = 0; // bit e: answered -e (e < 63); bit 63: another answer
		bool killed = false;
	};
	std::map<SyscallId, Stacked> stacked;
	// The argument values kept.
	RecordedArgs arguments;
	// Descendants of the init that the members map had no room for.
	uint64_t untracked = 0;
	// Whether the runtime got as far as exec'ing the container's process.
	bool execed = false;
};

// What the end of a recording needs of it: the seam between the recording
// child's decisions and the node's program (a fake in the unit tests).
class RecordingSource {
public:
	virtual ~RecordingSource() = default;
	// What was recorded so far.
	virtual Recorded read() const = 0;
	// Stops recording and frees the slot; false if the node lock was not
	// had within `wait` (the slot is then still in use).
	virtual bool release(std::chrono::milliseconds wait) = 0;
};

class Recorder : public RecordingSource {
public:
	// Recording is live when this returns: every syscall of the target after
	// its runtime's first prctl is seen. `btf_cache_dir`: see NodeProgram.
	// With `watch_denied`, what the container's seccomp filter denies is
	// noted too (Recorded::denied); with `arg_rules`, the argument values
	// of enum arg_syscall's syscalls (Recorded::arguments).
	// `linger`: see NodeProgram::release.
	Recorder(const Target& target, const std::string& btf_cache_dir, bool watch_denied, bool arg_rules,
		 std::chrono::seconds linger);
	// Stops recording unless release() did.
	~Recorder() override;
	Recorder(const Recorder&) = delete;
	Recorder& operator=(const Recorder&) = delete;

	// The last recording on the node detaches the program (and unloads it,
	// or leaves it lingering). A slot not released is for a later release,
	// or for the next claim or cleanup once this process is gone.
	bool release(std::chrono::milliseconds wait) override;
	// Whether the release left the program lingering: this process's to
	// unload once its time is up (NodeProgram::expire).
	bool left_lingering() const { return program_ && program_->lingering(); }
	Recorded read() const override;
	// See NodeProgram::write_btf_cache.
	void write_btf_cache() const { program_->write_btf_cache(); }
	// Its slot in the node's program.
	uint32_t slot() const { return slot_; }

private:
	std::optional<NodeProgram> program_;
	uint32_t slot_ = 0;
	std::chrono::seconds linger_;
	bool released_ = false;
};
