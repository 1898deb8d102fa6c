// SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
#include "node/recorder.h"

#include "base/log.h"

namespace {

// A claim or a release holds the lock for milliseconds (a first load: tens).
constexpr std::chrono::seconds kClaimWait{10};

} // namespace

Recorder::Recorder(const Target& target, const std::string& btf_cache_dir, bool watch_denied, bool arg_rules,
		   std::chrono::seconds linger)
	: linger_(linger)
{
	NodeLock lock(kClaimWait);
	program_.emplace(lock, btf_cache_dir);
	slot_ = program_->claim(lock, target, watch_denied, arg_rules);
}

Recorder::~Recorder()
{
	if (!released_)
		release(std::chrono::milliseconds::max());
}

bool Recorder::release(std::chrono::milliseconds wait)
{
	try {
		uint32_t generation;
		{
			NodeLock lock(wait);
			generation = program_->release(lock, slot_, linger_);
		}
		released_ = true;
		program_->forget(slot_, generation);
	} catch (const std::exception& e) {
		logging::error(std::string("stop recording: ") + e.what());
		return false;
	}
	return true;
}

Recorded Recorder::read() const
{
	Recorded r;
	r.syscalls = syscalls_in(program_->read_bitmap(NodeProgram::Bitmap::kSeen, slot_));
	r.denied = syscalls_in(program_->read_bitmap(NodeProgram::Bitmap::kDenied, slot_));
	r.killed = syscalls_in(program_->read_bitmap(NodeProgram::Bitmap::kKilled, slot_));
	for (const auto& [key, refusal] : program_->read_stacked_refusals(slot_))
		r.stacked[{key.abi, key.nr}] = {refusal.errnos, refusal.killed != 0};
	for (const auto& [rule, value] : program_->read_arg_values(slot_))
		r.arguments.values[rule].insert(value);
	// After the values: a rule that overflows meanwhile is then allowed
	// whatever its arguments, never narrowed to the values read before.
	struct slot s = program_->read_slot(slot_);
	r.arguments.overflow = s.arg_overflow;
	r.untracked = s.untracked;
	r.execed = s.execed != 0;
	return r;
}
