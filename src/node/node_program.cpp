// SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
#include "node/node_program.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/magic.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <algorithm>
#include <ctime>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <exception>
#include <filesystem>
#include <functional>
#include <memory>
#include <sstream>
#include <string_view>
#include <thread>
#include <vector>

#include "base/error.h"
#include "base/log.h"
#include "base/proc_stat.h"
#include "base/trusted_dir.h"
#include "node/btf_cache.h"
#include "node/recording_info.h"
#include "node/skeleton.h"
#include "profile/arg_rules.h"
#include "profile/syscalls.h"

namespace {

constexpr const char* kBpffs = "/sys/fs/bpf";
constexpr const char* kPinRoot = "/sys/fs/bpf/oci-seccomp-recorder";
// Each program is pinned under the raw tracepoint its section names, so that
// pins alone say where to attach it (a lingering program is attached again
// from its pins): "attach_" and the tracepoint for those attached while any
// recording runs; "watch_" for the one attached only while a recording
// watches what a seccomp filter denies (it runs at every syscall's exit on
// the node). A link is pinned as "link_" and its tracepoint: it keeps its
// program attached until it is unpinned.
constexpr const char* kAttachPrefix = "attach_";
constexpr const char* kWatchPrefix = "watch_";
constexpr const char* kLinkPrefix = "link_";
constexpr const char* kRawTracepoint = "raw_tp/";

// libbpf hands a verifier log over in one call, thousands of lines: each is
// logged whole, on its own, as the one naming the refused instruction is
// the one a user on an unusual kernel needs.
int log_libbpf(enum libbpf_print_level level, const char* fmt, va_list args)
{
	if (level == LIBBPF_DEBUG && !logging::verbose())
		return 0;
	va_list measure;
	va_copy(measure, args);
	int n = std::vsnprintf(nullptr, 0, fmt, measure);
	va_end(measure);
	if (n <= 0)
		return n;
	std::string msg(static_cast<size_t>(n) + 1, '\0');
	std::vsnprintf(msg.data(), msg.size(), fmt, args);
	msg.resize(static_cast<size_t>(n));
	std::istringstream lines(msg);
	for (std::string line; std::getline(lines, line);) {
		if (line.empty())
			continue;
		if (!line.starts_with("libbpf: ")) // a verifier log's lines
			line = "libbpf: " + line;
		if (level == LIBBPF_WARN)
			logging::warn(line);
		else if (level == LIBBPF_INFO)
			logging::info(line);
		else
			logging::debug(line);
	}
	return n;
}

std::string_view object_bytes()
{
	size_t size = 0;
	const void* elf = recorder_bpf::elf_bytes(&size);
	return {static_cast<const char*>(elf), size};
}

// Names this build of the BPF object (hashed once: it is some 100 KiB).
const std::string& object_id()
{
	static const std::string id = [] {
		char name[32];
		std::snprintf(name, sizeof(name), "%016zx", std::hash<std::string_view>{}(object_bytes()));
		return std::string(name);
	}();
	return id;
}

// Pins of one build of the program only: a hook upgraded while an older
// program runs never takes maps of another layout for its own.
std::string pin_dir()
{
	return std::string(kPinRoot) + "/" + object_id();
}

BtfCache btf_cache(const std::string& dir)
{
	return BtfCache(dir, object_id(), object_bytes());
}

void ensure_bpffs()
{
	struct statfs fs;
	if (::statfs(kBpffs, &fs) == 0 && fs.f_type == BPF_FS_MAGIC)
		return;
	if (::mount("bpf", kBpffs, "bpf", MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=0700") < 0)
		throw_errno(std::string("mount bpffs on ") + kBpffs);
}

void make_dir(const std::string& path)
{
	if (::mkdir(path.c_str(), 0700) < 0 && errno != EEXIST)
		throw_errno("create " + path);
}

// Where a load pins until it is complete and an unload moves the pins to
// remove them: the pin directory appears whole and goes whole, each in one
// rename, so whoever finds it finds every pin. (bpffs allows no '.' in a
// name.)
std::string partial_dir(const std::string& dir)
{
	return dir + "_partial";
}

bool fully_pinned(const std::string& dir)
{
	return ::access(dir.c_str(), F_OK) == 0;
}

// The tracepoints of the programs pinned in `dir` under `prefix`.
std::vector<std::string> pinned_tracepoints(const std::string& dir, const std::string& prefix)
{
	std::vector<std::string> tracepoints;
	std::error_code err;
	for (const auto& entry : std::filesystem::directory_iterator(dir, err)) {
		std::string name = entry.path().filename();
		if (name.starts_with(prefix))
			tracepoints.push_back(name.substr(prefix.size()));
	}
	return tracepoints;
}

std::string link_pin(const std::string& dir, const std::string& tracepoint)
{
	return dir + "/" + kLinkPrefix + tracepoint;
}

// Attaches the program pinned as `prefix` + `tracepoint` to that raw
// tracepoint, and pins the link.
void attach_pinned(const std::string& dir, const std::string& prefix, const std::string& tracepoint)
{
	int link = bpf_raw_tracepoint_open(tracepoint.c_str(), get_pinned(dir + "/" + prefix + tracepoint).get());
	if (link < 0)
		check_bpf(-errno, "attach BPF program to " + tracepoint);
	UniqueFd owned(link);
	check_bpf(bpf_obj_pin(link, link_pin(dir, tracepoint).c_str()), "pin BPF link of " + tracepoint);
}

// Whether the programs attached while any recording runs are attached: not
// while the program lingers.
bool attached(const std::string& dir)
{
	for (const std::string& tracepoint : pinned_tracepoints(dir, kAttachPrefix))
		if (::access(link_pin(dir, tracepoint).c_str(), F_OK) < 0)
			return false;
	return true;
}

void attach_all(const std::string& dir)
{
	for (const std::string& tracepoint : pinned_tracepoints(dir, kAttachPrefix))
		if (::access(link_pin(dir, tracepoint).c_str(), F_OK) < 0)
			attach_pinned(dir, kAttachPrefix, tracepoint);
}

// The program lingers no more: the process waiting to unload it has nothing
// left to wait for (one waits at a time).
void stop_lingering()
{
	if (std::optional<Lingering> lingering = load_lingering())
		if (std::optional<UniqueFd> waiter = open_process(lingering->waiter, lingering->waiter_start))
			::syscall(SYS_pidfd_send_signal, waiter->get(), SIGTERM, nullptr, 0);
	forget_lingering();
}

// Unpinning a link detaches its program.
void detach_all(const std::string& dir)
{
	for (const std::string& tracepoint : pinned_tracepoints(dir, kLinkPrefix))
		::unlink(link_pin(dir, tracepoint).c_str());
}

// Empties and removes a partial pin directory: links first, which detaches
// their programs.
void remove_partial(const std::string& dir)
{
	std::string partial = partial_dir(dir);
	std::error_code err;
	std::vector<std::string> names;
	for (const auto& entry : std::filesystem::directory_iterator(partial, err))
		names.push_back(entry.path().filename());
	std::stable_partition(names.begin(), names.end(),
			      [](const std::string& name) { return name.starts_with(kLinkPrefix); });
	for (const std::string& name : names)
		::unlink((partial + "/" + name).c_str());
	if (::rmdir(partial.c_str()) < 0 && errno != ENOENT)
		logging::warn("remove " + partial + ": " + std::strerror(errno));
}

void remove_pins(const std::string& dir)
{
	remove_partial(dir); // what a crash half-way through a load or unload left
	if (::rename(dir.c_str(), partial_dir(dir).c_str()) < 0 && errno != ENOENT)
		logging::warn("remove " + dir + ": " + std::strerror(errno));
	remove_partial(dir);
}

// The recorder opened, relocated against `btf` (the kernel's own if empty);
// nothing loaded yet.
Skeleton open_recorder(const std::string& btf)
{
	LIBBPF_OPTS(bpf_object_open_opts, opts, .btf_custom_path = btf.empty() ? nullptr : btf.c_str());
	Skeleton skel(recorder_bpf__open_opts(&opts));
	if (!skel)
		check_bpf(-errno, "open BPF recorder");
	return skel;
}

// The recorder loaded: its maps made by one object, its programs loaded
// by two others that use those maps, side by side. The kernel verifies a
// privileged process's programs in parallel (no lock), and verification is
// most of a first load. Two halves, not an object per program: each object
// opens and loads its own BTF, which on two CPUs cost more than a third
// thread won. Against the kernel's own BTF, which each object would parse
// again, the first object loads every program.
struct LoadedRecorder {
	Skeleton maps;
	std::vector<Skeleton> halves;

	std::vector<const recorder_bpf*> objects() const
	{
		std::vector<const recorder_bpf*> all{maps.get()};
		for (const Skeleton& skel : halves)
			all.push_back(skel.get());
		return all;
	}
};

// The halves take about as long to verify: sys_enter and exec, then
// sys_exit, fork and exit (4.2 and 4.4 ms on a 6.18 kernel).
bool in_first_half(const recorder_bpf& skel, const bpf_program* prog)
{
	return prog == skel.progs.on_sys_enter || prog == skel.progs.on_process_exec;
}

Skeleton load_half(const recorder_bpf& maps, const std::string& btf, bool first)
{
	Skeleton skel = open_recorder(btf);
	bpf_program* prog;
	bpf_object__for_each_program(prog, skel->obj)
		bpf_program__set_autoload(prog, in_first_half(*skel, prog) == first);
	bpf_map* map;
	bpf_object__for_each_map(map, skel->obj) {
		const bpf_map* made = bpf_object__find_map_by_name(maps.obj, bpf_map__name(map));
		check_bpf(made ? bpf_map__reuse_fd(map, bpf_map__fd(made)) : -ENOENT,
			  std::string("use BPF map ") + bpf_map__name(map));
	}
	check_bpf(recorder_bpf__load(skel.get()), "load BPF recorder");
	return skel;
}

LoadedRecorder load(const std::string& btf)
{
	LoadedRecorder loaded{open_recorder(btf), {}};
	recorder_bpf& maps = *loaded.maps;
	maps.rodata->prctl_nr = static_cast<uint32_t>(native_syscall_nr("prctl"));
	maps.rodata->x32_dispatched = kernel_runs_x32();
	ArgSyscallTable numbers = arg_syscall_numbers();
	for (uint32_t abi = 0; abi < ABI_COUNT; ++abi)
		for (uint32_t i = 0; i < ARG_SYSCALL_COUNT; ++i)
			maps.rodata->arg_syscall_nr[abi][i] = numbers[abi][i];
	bool apart = !btf.empty();
	if (apart) {
		bpf_program* prog;
		bpf_object__for_each_program(prog, maps.obj)
			bpf_program__set_autoload(prog, false);
	}
	check_bpf(recorder_bpf__load(&maps), "load BPF recorder");
	if (!apart)
		return loaded;

	std::exception_ptr error;
	Skeleton second;
	std::jthread other([&] {
		try {
			second = load_half(maps, btf, false);
		} catch (...) {
			error = std::current_exception();
		}
	});
	loaded.halves.push_back(load_half(maps, btf, true)); // a throw joins `other` first
	other.join();
	if (error)
		std::rethrow_exception(error);
	loaded.halves.push_back(std::move(second));
	return loaded;
}

// Pins every map in `dir` under its own name, and every program under its
// tracepoint (see kAttachPrefix), attaching those attached while any
// recording runs.
void pin(const LoadedRecorder& loaded, const std::string& dir)
{
	bpf_map* map;
	bpf_object__for_each_map(map, loaded.maps->obj) {
		if (bpf_map__is_internal(map))
			continue; // .rodata: frozen into the programs
		std::string name = bpf_map__name(map);
		check_bpf(bpf_map__pin(map, (dir + "/" + name).c_str()), "pin BPF map " + name);
	}
	for (const recorder_bpf* skel : loaded.objects()) {
		bpf_program* prog;
		bpf_object__for_each_program(prog, skel->obj) {
			if (!bpf_program__autoload(prog))
				continue; // loaded by another object
			std::string name = bpf_program__name(prog);
			std::string section = bpf_program__section_name(prog);
			if (!section.starts_with(kRawTracepoint))
				throw Error("BPF program " + name + " is not for a raw tracepoint: " + section);
			std::string tracepoint = section.substr(std::string_view(kRawTracepoint).size());
			const char* prefix = prog == skel->progs.on_sys_exit ? kWatchPrefix : kAttachPrefix;
			check_bpf(bpf_program__pin(prog, (dir + "/" + prefix + tracepoint).c_str()),
				  "pin BPF program " + name);
		}
	}
	attach_all(dir);
}

// Loads, pins and attaches the recorder. Returns whether the BTF cache
// should be written (it has no file for this kernel, or had a bad one).
bool load_and_pin(const std::string& dir, const std::optional<BtfCache>& cache)
{
	std::optional<LoadedRecorder> loaded;
	std::optional<std::string> btf = cache ? cache->find() : std::nullopt;
	if (btf) {
		try {
			loaded = load(*btf);
		} catch (const std::exception& e) {
			logging::warn("the cached BTF " + *btf + " did not load (" + e.what() + "): using the kernel's");
			cache->remove();
		}
	}
	bool cached = loaded.has_value();
	if (!cached)
		loaded = load("");

	std::string partial = partial_dir(dir);
	make_dir(partial);
	try {
		require_trusted_dir(partial, false); // its parents: the caller's to check
		pin(*loaded, partial);
		if (::rename(partial.c_str(), dir.c_str()) < 0)
			throw_errno("rename " + partial + " to " + dir);
	} catch (...) {
		remove_partial(dir);
		throw;
	}
	logging::info("loaded and attached the BPF recorder, relocated against " +
		      (cached ? "the cached " + *btf : std::string("the kernel's BTF")) + ", pinned at " + dir);
	return cache && !cached;
}

} // namespace

NodeProgram::NodeProgram(const NodeLock&, const std::string& btf_cache_dir)
{
	libbpf_set_print(log_libbpf);
	ensure_bpffs();
	// Each level checked before anything in it is used, removed or pinned:
	// whoever could write in the pin directories could unpin the links
	// (every recording on the node stops) or plant maps of their own.
	require_trusted_dir(kBpffs, true);
	std::string dir = pin_dir();
	if (fully_pinned(dir)) {
		require_trusted_dir(kPinRoot, false);
		require_trusted_dir(dir, false);
		if (!attached(dir)) { // it lingers: verified and loaded, only detached
			attach_all(dir);
			stop_lingering();
			logging::info("attached the lingering BPF recorder (no load), pinned at " + dir);
		}
	} else {
		make_dir(kPinRoot);
		require_trusted_dir(kPinRoot, false);
		remove_partial(dir); // what a crash half-way through a load left
		try {
			if (load_and_pin(dir, btf_cache_dir.empty() ? std::nullopt : std::optional(btf_cache(btf_cache_dir))))
				uncached_btf_ = btf_cache_dir;
		} catch (...) {
			::rmdir(kPinRoot);
			throw;
		}
	}
	dir_ = std::move(dir);
	maps_.emplace(dir_);
}

NodeProgram::NodeProgram(std::string dir) : dir_(std::move(dir))
{
	maps_.emplace(dir_);
}

void NodeProgram::write_btf_cache() const
{
	if (uncached_btf_.empty())
		return;
	try {
		btf_cache(uncached_btf_).write();
	} catch (const std::exception& e) {
		logging::warn(std::string("the next first load on this node will parse the kernel's BTF again: ") +
			      e.what());
	}
}

SlotTable NodeProgram::slots()
{
	return SlotTable(*maps_, [](const struct slot& s) {
		return process_alive(static_cast<pid_t>(s.owner_pid), s.owner_start);
	});
}

uint32_t NodeProgram::claim(const NodeLock&, const Target& target, bool watch_denied, bool arg_rules)
{
	std::optional<ProcStat> self = proc_stat(::getpid());
	if (!self)
		throw Error("read /proc/self/stat: no start time");
	uint32_t slot = slots().claim({target.pidns, target.mntns, target.pid, target.pidfd.get(), watch_denied, arg_rules},
				      {::getpid(), self->start});
	try {
		update_exit_program();
	} catch (...) {
		slots().free(slot);
		throw;
	}
	return slot;
}

uint32_t NodeProgram::release(const NodeLock&, uint32_t slot, std::chrono::seconds linger)
{
	uint32_t generation = slots().release(slot);
	update_exit_program();
	unload_if_idle(linger);
	return generation;
}

void NodeProgram::forget(uint32_t slot, uint32_t generation)
{
	if (maps_) // else unloaded: the maps went with their entries
		slots().forget(slot, generation);
}

struct slot NodeProgram::read_slot(uint32_t slot) const
{
	return maps_->read_slot(slot);
}

struct seen_bitmap NodeProgram::read_bitmap(Bitmap which, uint32_t slot) const
{
	return maps_->read_bitmap(which, slot);
}

std::vector<std::pair<uint32_t, uint64_t>> NodeProgram::read_arg_values(uint32_t slot) const
{
	std::vector<std::pair<uint32_t, uint64_t>> values;
	for (const struct arg_key& key : maps_->arg_keys(slot, maps_->read_slot(slot).generation))
		values.emplace_back(key.rule, key.value);
	return values;
}

std::vector<std::pair<struct refusal_key, struct refusal>> NodeProgram::read_stacked_refusals(uint32_t slot) const
{
	return maps_->stacked_refusals(slot, maps_->read_slot(slot).generation);
}

std::vector<SlotTable::InUse> NodeProgram::slots_in_use()
{
	return slots().in_use();
}

void NodeProgram::update_exit_program()
{
	bool wanted = slots().any_watching_denials();
	for (const std::string& tracepoint : pinned_tracepoints(dir_, kWatchPrefix)) {
		std::string link = link_pin(dir_, tracepoint);
		bool linked = ::access(link.c_str(), F_OK) == 0;
		if (wanted && !linked)
			attach_pinned(dir_, kWatchPrefix, tracepoint);
		else if (!wanted && linked)
			::unlink(link.c_str()); // detaches
	}
}

std::optional<NodeProgram> NodeProgram::open_pinned()
{
	std::string dir = pin_dir();
	if (!fully_pinned(dir))
		return std::nullopt;
	require_trusted_dir(kBpffs, true);
	require_trusted_dir(kPinRoot, false);
	require_trusted_dir(dir, false);
	return NodeProgram(dir);
}

size_t NodeProgram::tidy(const NodeLock&)
{
	std::string dir = pin_dir();
	if (::access(kPinRoot, F_OK) == 0)
		require_trusted_dir(kPinRoot, false);
	if (!fully_pinned(dir)) {
		remove_pins(dir);
		::rmdir(kPinRoot);
		return 0;
	}
	std::optional<NodeProgram> program;
	try {
		program = NodeProgram(dir);
	} catch (const Error& e) {
		// Pins removed by hand: nothing can record through them any more.
		logging::warn(std::string(e.what()) + ": removing the incomplete pins");
		remove_pins(dir);
		::rmdir(kPinRoot);
		return 0;
	}
	size_t freed = program->slots().free_stale();
	program->update_exit_program();
	program->unload_if_idle(std::chrono::seconds(0));
	return freed;
}

bool NodeProgram::expire(const NodeLock&)
{
	std::optional<NodeProgram> program = open_pinned();
	if (!program || program->slots().any_in_use() || attached(program->dir_))
		return false; // gone, or recording again
	std::optional<Lingering> lingering = load_lingering();
	if (lingering && std::time(nullptr) < lingering->until)
		return false; // a later recording's wait, not this one's
	program->unload_if_idle(std::chrono::seconds(0));
	return true;
}

void NodeProgram::unload_if_idle(std::chrono::seconds linger)
{
	if (slots().any_in_use())
		return;
	if (linger.count() > 0) {
		detach_all(dir_);
		std::time_t now = std::time(nullptr);
		std::optional<ProcStat> self = proc_stat(::getpid());
		save_lingering({now, now + linger.count(), ::getpid(), self ? self->start : 0});
		lingering_ = true;
		logging::info("last recording done: detached the BPF recorder; it stays loaded for " +
			      std::to_string(linger.count()) + " s, for the next recording to attach (cleanup unloads it)");
		return;
	}
	stop_lingering();
	maps_.reset();
	remove_pins(dir_);
	::rmdir(kPinRoot); // fails, as it should, while another build's pins are there
	forget_all_recording_info();
	logging::info("no recording left: detached, unpinned and unloaded the BPF recorder");
}
