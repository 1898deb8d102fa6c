// SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
#include "recorder.h"

#include "log.h"

namespace {

// A claim or a release holds the lock for milliseconds (a first load: tens).
constexpr std::chrono::seconds kClaimWait{10};
// Past this a slot is left for the next recording to free.
constexpr std::chrono::seconds kReleaseWait{30};

} // namespace

Recorder::Recorder(const Target& target, const std::string& btf_cache_dir, bool watch_denied, bool arg_rules)
{
	NodeLock lock(kClaimWait);
	program_.emplace(lock, btf_cache_dir);
	slot_ = program_->claim(lock, target, watch_denied, arg_rules);
}

Recorder::~Recorder()
{
	try {
		NodeLock lock(kReleaseWait);
		program_->release(lock, slot_);
	} catch (const std::exception& e) {
		logging::error(std::string("stop recording: ") + e.what());
	}
}

std::set<SyscallId> Recorder::syscalls() const
{
	return syscalls_in(program_->read_bitmap(NodeProgram::Bitmap::kSeen, slot_));
}

std::set<SyscallId> Recorder::denied() const
{
	return syscalls_in(program_->read_bitmap(NodeProgram::Bitmap::kDenied, slot_));
}

std::set<SyscallId> Recorder::killed() const
{
	return syscalls_in(program_->read_bitmap(NodeProgram::Bitmap::kKilled, slot_));
}

RecordedArgs Recorder::arguments() const
{
	RecordedArgs args;
	for (const auto& [rule, value] : program_->read_arg_values(slot_))
		args.values[rule].insert(value);
	args.overflow = program_->read_slot(slot_).arg_overflow;
	return args;
}

uint64_t Recorder::untracked() const { return program_->read_slot(slot_).untracked; }

bool Recorder::execed() const { return program_->read_slot(slot_).execed != 0; }
