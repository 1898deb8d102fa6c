// SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
// The node's one recorder program. The first recording loads it, pins it in
// bpffs and attaches it, every later one shares it, and the last one out
// detaches and unpins it all: one program on sys_enter however many
// containers are recorded, and nothing of ours in the kernel when none is.
// Every change happens under the node lock.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "fd.h"
#include "target.h"

#include <linux/types.h>
#include "recorder_types.h"

// An exclusive lock on the node's recorder state, held while it lives.
class NodeLock {
public:
	// Waits at most `wait` for a holder to let go: a stuck one must not hang
	// a container's start.
	explicit NodeLock(std::chrono::milliseconds wait);

private:
	UniqueFd fd_;
};

class NodeProgram {
public:
	// The pinned program's maps; loads, pins and attaches it first if no
	// recording on the node has it, relocated against the BTF cached in
	// `btf_cache_dir` if there is (see BtfCache; empty: no cache).
	NodeProgram(const NodeLock& lock, const std::string& btf_cache_dir);
	// After a load without the BTF cache: writes it, for the next first
	// load. Slow (it parses the kernel's BTF): call it once the container
	// runs. Failures are logged.
	void write_btf_cache() const;

	// Takes a free slot and starts recording the target into it. Frees first
	// the slots of tracing children that are gone. With `watch_denied` (the
	// container runs under a seccomp filter) it also notes what the filter
	// denies, attaching the sys_exit program while any recording does.
	// With `arg_rules`, it keeps the argument values of enum arg_syscall's
	// syscalls too.
	uint32_t claim(const NodeLock& lock, const Target& target, bool watch_denied, bool arg_rules);
	// Stops recording into the slot and frees it; unloads everything when it
	// was the last slot in use.
	void release(const NodeLock& lock, uint32_t slot);

	// A recording's bitmaps, one bit per (ABI, syscall): what its container
	// made, what its seccomp filter denied, where its filter killed a task.
	enum class Bitmap { kSeen, kDenied, kKilled };
	struct slot read_slot(uint32_t nr) const;
	struct seen_bitmap read_bitmap(Bitmap which, uint32_t nr) const;
	// A recording's kept argument values: (rule, value) pairs.
	std::vector<std::pair<uint32_t, uint64_t>> read_arg_values(uint32_t nr) const;

	// After a tracing child died without cleaning up (killed, say, half-way
	// through loading): frees the slots of children that are gone, and
	// removes everything if no recording is left. Returns how many it freed.
	static size_t tidy(const NodeLock& lock);

	// The program this build pinned, opened without loading; none when no
	// recording runs on the node.
	static std::optional<NodeProgram> open_pinned();
	// A slot in use, and whether its tracing child still runs.
	struct InUse {
		uint32_t nr;
		struct slot slot;
		bool tracer_alive;
	};
	std::vector<InUse> slots_in_use() const;

private:
	// Opens what is pinned, without loading.
	explicit NodeProgram(std::string dir);
	void open_pins(std::string dir);
	// Frees the slots of tracing children that are gone, looking at no more
	// than `at_most` in-use slots from `from` on.
	size_t free_stale_slots(const std::vector<struct slot>& slots, uint32_t from, size_t at_most);
	// Every slot, in one read.
	std::vector<struct slot> read_slots() const;
	struct settings read_settings() const;
	void write_settings(const struct settings& set);
	void free_slot(uint32_t nr);
	void unload_if_idle();
	// The sys_exit program attached exactly while an in-use slot watches.
	void update_exit_program();
	std::vector<struct arg_key> arg_keys_of(uint32_t nr) const;
	// Recordings of the host's PID namespace (--pid=host): tasks of it
	// alone are looked up only while there are some.
	void count_host_recording(int delta);

	std::string dir_;
	std::string uncached_btf_; // the BTF cache dir to write, after a load without it
	UniqueFd pidns_, targets_, membership_, newborn_, gated_, slots_, args_, settings_;
	std::array<UniqueFd, 3> bitmaps_; // by Bitmap
};
