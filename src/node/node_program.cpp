// SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
#include "node/node_program.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/magic.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <functional>
#include <memory>
#include <sstream>
#include <string_view>

#include "base/error.h"
#include "base/log.h"
#include "base/proc_stat.h"
#include "base/trusted_dir.h"
#include "node/btf_cache.h"
#include "node/recording_info.h"
#include "profile/arg_rules.h"
#include "profile/syscalls.h"
#include "recorder.skel.h"

namespace {

constexpr const char* kBpffs = "/sys/fs/bpf";
constexpr const char* kPinRoot = "/sys/fs/bpf/oci-seccomp-recorder";
// The maps pinned, each under its name in the BPF object: every one of the
// object's (its .rodata aside), for BpfSlotMaps and the programs to share.
constexpr std::array kMaps = {"pidns", "targets", "membership", "newborn",    "gated",    "slots",
			       "seen",  "denied",  "killed",     "arg_values", "settings", "in_syscall"};
// The programs pinned, and the raw tracepoint each is attached to: at load,
// or, for sys_exit, only while a recording watches what a seccomp filter
// denies (it runs at every syscall's exit on the node).
struct Prog {
	const char* name;
	const char* tracepoint;
	bool at_load;
};
constexpr std::array<Prog, 5> kProgs = {{{"on_sys_enter", "sys_enter", true},
					  {"on_sys_exit", "sys_exit", false},
					  {"on_process_fork", "sched_process_fork", true},
					  {"on_process_exec", "sched_process_exec", true},
					  {"on_process_exit", "sched_process_exit", true}}};
constexpr const Prog& kExitProg = kProgs[1];

const Prog* find_prog(std::string_view name)
{
	for (const Prog& prog : kProgs)
		if (name == prog.name)
			return &prog;
	return nullptr;
}

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

bool fully_pinned(const std::string& dir)
{
	for (const char* name : kMaps)
		if (::access((dir + "/" + name).c_str(), F_OK) != 0)
			return false;
	for (const Prog& prog : kProgs)
		if (::access((dir + (prog.at_load ? "/link_" : "/") + prog.name).c_str(), F_OK) != 0)
			return false;
	return true;
}

// Attaches a pinned program and pins its link (which keeps it attached).
void attach(const std::string& dir, int prog_fd, const Prog& prog)
{
	int link = bpf_raw_tracepoint_open(prog.tracepoint, prog_fd);
	if (link < 0)
		check_bpf(-errno, std::string("attach BPF program ") + prog.name);
	UniqueFd owned(link);
	check_bpf(bpf_obj_pin(link, (dir + "/link_" + prog.name).c_str()), std::string("pin BPF link ") + prog.name);
}

void remove_pins(const std::string& dir)
{
	auto unpin_program = [&](const std::string& name) {
		::unlink((dir + "/link_" + name).c_str()); // detaches
		::unlink((dir + "/" + name).c_str());
	};
	for (const Prog& prog : kProgs)
		unpin_program(prog.name);
	for (const char* name : kMaps)
		::unlink((dir + "/" + name).c_str());
	if (::rmdir(dir.c_str()) < 0 && errno != ENOENT)
		logging::warn("remove " + dir + ": " + std::strerror(errno));
}

struct DestroySkeleton {
	void operator()(recorder_bpf* skel) const { recorder_bpf__destroy(skel); }
};
using Skeleton = std::unique_ptr<recorder_bpf, DestroySkeleton>;

// The recorder opened, relocated against `btf` (the kernel's own if empty),
// and loaded.
Skeleton load(const std::string& btf)
{
	LIBBPF_OPTS(bpf_object_open_opts, opts, .btf_custom_path = btf.empty() ? nullptr : btf.c_str());
	Skeleton skel(recorder_bpf__open_opts(&opts));
	if (!skel)
		check_bpf(-errno, "open BPF recorder");
	skel->rodata->prctl_nr = static_cast<uint32_t>(native_syscall_nr("prctl"));
	skel->rodata->x32_dispatched = kernel_runs_x32();
	ArgSyscallTable numbers = arg_syscall_numbers();
	for (uint32_t abi = 0; abi < ABI_COUNT; ++abi)
		for (uint32_t i = 0; i < ARG_SYSCALL_COUNT; ++i)
			skel->rodata->arg_syscall_nr[abi][i] = numbers[abi][i];
	check_bpf(recorder_bpf__load(skel.get()), "load BPF recorder");
	return skel;
}

// Loads, pins and attaches the recorder. Returns whether the BTF cache
// should be written (it has no file for this kernel, or had a bad one).
bool load_and_pin(const std::string& dir, const std::optional<BtfCache>& cache)
{
	Skeleton skel;
	std::optional<std::string> btf = cache ? cache->find() : std::nullopt;
	if (btf) {
		try {
			skel = load(*btf);
		} catch (const std::exception& e) {
			logging::warn("the cached BTF " + *btf + " did not load (" + e.what() + "): using the kernel's");
			cache->remove();
		}
	}
	bool cached = skel != nullptr;
	if (!cached)
		skel = load("");

	make_dir(dir);
	try {
		require_trusted_dir(dir, false); // its parents: the caller's to check
		// Every map and program of the object, each under its own name: the
		// lists above must name them all, as the next recording opens them
		// by those names.
		size_t maps = 0, progs = 0;
		bpf_map* map;
		bpf_object__for_each_map(map, skel->obj) {
			if (bpf_map__is_internal(map))
				continue; // .rodata: frozen into the programs
			std::string name = bpf_map__name(map);
			if (std::find(kMaps.begin(), kMaps.end(), name) == kMaps.end())
				throw Error("BPF recorder map " + name + " is not in the list of pinned maps");
			check_bpf(bpf_map__pin(map, (dir + "/" + name).c_str()), "pin BPF map " + name);
			++maps;
		}
		bpf_program* prog;
		bpf_object__for_each_program(prog, skel->obj) {
			const Prog* known = find_prog(bpf_program__name(prog));
			if (!known)
				throw Error(std::string("BPF recorder program ") + bpf_program__name(prog) +
					    " is not in the list of pinned programs");
			// A link pinned keeps its program; the one attached later is
			// pinned itself, for update_exit_program to attach.
			if (known->at_load)
				attach(dir, bpf_program__fd(prog), *known);
			else
				check_bpf(bpf_program__pin(prog, (dir + "/" + known->name).c_str()),
					  std::string("pin BPF program ") + known->name);
			++progs;
		}
		if (maps != kMaps.size() || progs != kProgs.size())
			throw Error("BPF recorder lacks a map or program of the pinned lists");
	} catch (...) {
		remove_pins(dir);
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
	} else {
		make_dir(kPinRoot);
		require_trusted_dir(kPinRoot, false);
		remove_pins(dir); // what a crash half-way through a load left
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

uint32_t NodeProgram::release(const NodeLock&, uint32_t slot)
{
	uint32_t generation = slots().release(slot);
	update_exit_program();
	unload_if_idle();
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

std::vector<SlotTable::InUse> NodeProgram::slots_in_use()
{
	return slots().in_use();
}

void NodeProgram::update_exit_program()
{
	bool wanted = slots().any_watching_denials();
	std::string link = dir_ + "/link_" + kExitProg.name;
	bool attached = ::access(link.c_str(), F_OK) == 0;
	if (wanted && !attached) {
		attach(dir_, get_pinned(dir_ + "/" + kExitProg.name).get(), kExitProg);
	} else if (!wanted && attached) {
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
	NodeProgram program(dir);
	size_t freed = program.slots().free_stale();
	program.update_exit_program();
	program.unload_if_idle();
	return freed;
}

void NodeProgram::unload_if_idle()
{
	if (slots().any_in_use())
		return;
	maps_.reset();
	remove_pins(dir_);
	::rmdir(kPinRoot); // fails, as it should, while another build's pins are there
	forget_all_recording_info();
	logging::info("last recording done: detached and unpinned the BPF recorder");
}
