// SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
#include "node_program.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <array>
#include <cstring>
#include <cstdarg>
#include <cstdio>
#include <fstream>
#include <functional>
#include <memory>
#include <optional>
#include <sstream>
#include <string_view>
#include <vector>

#include "arg_rules.h"
#include "btf_cache.h"
#include "error.h"
#include "log.h"
#include "recording_info.h"
#include "recorder.skel.h"
#include "syscalls.h"
#include "trusted_dir.h"

namespace {

constexpr const char* kLockPath = "/run/oci-seccomp-recorder.lock";
constexpr const char* kBpffs = "/sys/fs/bpf";
constexpr const char* kPinRoot = "/sys/fs/bpf/oci-seccomp-recorder";
// What is pinned: every map and program of the object (its .rodata aside).
constexpr std::array kMaps = {"pidns", "targets", "membership", "newborn",    "gated",
			       "slots", "seen",    "denied",     "killed",     "arg_values", "settings"};
// NodeProgram::Bitmap's maps, in its order.
constexpr std::array kBitmapMaps = {"seen", "denied", "killed"};
// In-use slots whose tracing child each claim checks, round the slots in
// turn: a claim costs the same with 1 or 1024 recordings, and a slot left by
// a child that died is freed within MAX_RECORDINGS / this claims (at once
// while fewer recordings run); cleanup checks them all.
constexpr size_t kOwnerChecksPerClaim = 16;
// A program and the raw tracepoint it is attached to.
struct Prog {
	const char* name;
	const char* tracepoint;
};
constexpr std::array<Prog, 4> kProgs = {{{"on_sys_enter", "sys_enter"},
					  {"on_process_fork", "sched_process_fork"},
					  {"on_process_exec", "sched_process_exec"},
					  {"on_process_exit", "sched_process_exit"}}};
// Pinned with them, but attached only while a recording watches for what a
// seccomp filter denies: it runs at every syscall's exit on the node.
constexpr Prog kExitProg = {"on_sys_exit", "sys_exit"};

// libbpf returns negative errnos and codes of its own (from 4000 up).
void check(int err, const std::string& what)
{
	if (err >= 0)
		return;
	char reason[256];
	libbpf_strerror(err, reason, sizeof(reason));
	throw Error(what + ": " + reason);
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
		if (level == LIBBPF_WARN)
			logging::warn("libbpf: " + line);
		else if (level == LIBBPF_INFO)
			logging::info("libbpf: " + line);
		else
			logging::debug("libbpf: " + line);
	}
	return n;
}

// Every entry of a map, read in batches: a few syscalls (one for the slots),
// where a walk by key takes two per entry (tens of thousands with 1024
// recordings). A batch must hold a whole hash bucket; ours hold a handful.
template <typename Key, typename Value>
std::vector<std::pair<Key, Value>> map_entries(int fd, const char* what)
{
	constexpr __u32 kBatch = 1024;
	std::vector<std::pair<Key, Value>> out;
	std::vector<Key> keys(kBatch);
	std::vector<Value> values(kBatch);
	uint32_t in = 0, next = 0;
	for (bool first = true;; first = false) {
		__u32 count = kBatch;
		int err = bpf_map_lookup_batch(fd, first ? nullptr : &in, &next, keys.data(), values.data(), &count, nullptr);
		int saved = errno;
		for (__u32 i = 0; i < count; ++i)
			out.emplace_back(keys[i], values[i]);
		if (err < 0 && saved == ENOENT)
			return out; // past the last entry
		if (err < 0)
			check(-saved, what);
		in = next;
	}
}

std::optional<uint32_t> first_free(const std::vector<struct slot>& slots)
{
	for (uint32_t nr = 0; nr < slots.size(); ++nr)
		if (!slots[nr].in_use)
			return nr;
	return std::nullopt;
}

std::string_view object_bytes()
{
	size_t size = 0;
	const void* elf = recorder_bpf::elf_bytes(&size);
	return {static_cast<const char*>(elf), size};
}

// Names this build of the BPF object.
std::string object_id()
{
	char name[32];
	std::snprintf(name, sizeof(name), "%016zx", std::hash<std::string_view>{}(object_bytes()));
	return name;
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

// The pin directories are checked with require_trusted_dir: whoever could
// write in them could unpin the link (every recording on the node stops) or
// plant maps of their own.

UniqueFd get_pinned(const std::string& path)
{
	int fd = bpf_obj_get(path.c_str());
	if (fd < 0)
		check(-errno, "open pinned " + path);
	return UniqueFd(fd);
}

bool fully_pinned(const std::string& dir)
{
	if (::access((dir + "/" + kExitProg.name).c_str(), F_OK) != 0)
		return false;
	for (const char* name : kMaps)
		if (::access((dir + "/" + name).c_str(), F_OK) != 0)
			return false;
	for (const Prog& prog : kProgs)
		if (::access((dir + "/link_" + prog.name).c_str(), F_OK) != 0)
			return false;
	return true;
}

// Attaches a pinned program and pins its link (which keeps it attached).
void attach(const std::string& dir, int prog_fd, const Prog& prog)
{
	int link = bpf_raw_tracepoint_open(prog.tracepoint, prog_fd);
	if (link < 0)
		check(-errno, std::string("attach BPF program ") + prog.name);
	UniqueFd owned(link);
	check(bpf_obj_pin(link, (dir + "/link_" + prog.name).c_str()), std::string("pin BPF link ") + prog.name);
}

void remove_pins(const std::string& dir)
{
	auto unpin_program = [&](const std::string& name) {
		::unlink((dir + "/link_" + name).c_str()); // detaches
		::unlink((dir + "/" + name).c_str());
	};
	for (const Prog& prog : kProgs)
		unpin_program(prog.name);
	unpin_program(kExitProg.name);
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
		check(-errno, "open BPF recorder");
	skel->rodata->prctl_nr = static_cast<uint32_t>(native_syscall_nr("prctl"));
	skel->rodata->x32_dispatched = kernel_runs_x32();
	for (const Abi& abi : host_abis())
		if (abi.id == ABI_NATIVE || abi.id == ABI_COMPAT)
			for (uint32_t i = 0; i < ARG_SYSCALL_COUNT; ++i)
				skel->rodata->arg_syscall_nr[abi.id][i] = syscall_nr(abi.scmp_arch, arg_syscall_name(i)).value_or(~0U);
	check(recorder_bpf__load(skel.get()), "load BPF recorder");
	return skel;
}

// Loads, pins and attaches the recorder. Returns whether the BTF cache
// should be written (it has no file for this kernel, or had a bad one).
bool load_and_pin(const std::string& dir, const std::optional<BtfCache>& cache)
{
	Skeleton skel;
	constexpr const char* kKernelBtf = "the kernel's BTF";
	std::string against = kKernelBtf;
	if (std::optional<std::string> btf = cache ? cache->find() : std::nullopt) {
		try {
			skel = load(*btf);
			against = "the cached " + *btf;
		} catch (const std::exception& e) {
			logging::warn("the cached BTF " + *btf + " did not load (" + e.what() + "): using the kernel's");
			cache->remove();
		}
	}
	if (!skel)
		skel = load("");

	make_dir(dir);
	try {
		require_trusted_dir(dir, false); // its parents: the caller's to check
		for (const char* name : kMaps) {
			bpf_map* map = bpf_object__find_map_by_name(skel->obj, name);
			if (!map)
				throw Error(std::string("BPF recorder has no map ") + name);
			check(bpf_map__pin(map, (dir + "/" + name).c_str()), std::string("pin BPF map ") + name);
		}
		auto pin_program = [&](const char* name) {
			bpf_program* prog = bpf_object__find_program_by_name(skel->obj, name);
			if (!prog)
				throw Error(std::string("BPF recorder has no program ") + name);
			check(bpf_program__pin(prog, (dir + "/" + name).c_str()), std::string("pin BPF program ") + name);
			return bpf_program__fd(prog);
		};
		for (const Prog& prog : kProgs)
			attach(dir, pin_program(prog.name), prog);
		pin_program(kExitProg.name);
	} catch (...) {
		remove_pins(dir);
		throw;
	}
	logging::info("loaded and attached the BPF recorder, relocated against " + against + ", pinned at " + dir);
	return cache && against == kKernelBtf;
}

// A process's state letter and the clock tick after boot at which it
// started: with its pid, the start names a process for good (pids are reused,
// start times are not). None if there is no such process.
struct ProcStat {
	char state;
	uint64_t start;
};

std::optional<ProcStat> proc_stat(pid_t pid)
{
	std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
	std::string stat((std::istreambuf_iterator<char>(in)), {});
	size_t paren = stat.rfind(')');
	if (paren == std::string::npos)
		return std::nullopt;
	std::istringstream fields(stat.substr(paren + 2));
	std::string field;
	ProcStat ps = {};
	for (int i = 3; i <= 22 && fields >> field; ++i) { // fields 3.. after "pid (comm)"
		if (i == 3)
			ps.state = field[0];
		else if (i == 22)
			ps.start = std::stoull(field);
	}
	return ps;
}

// Whether the tracing child that owns a slot still runs: not gone, not a
// zombie nobody reaped (it holds nothing any more), not another process
// under a reused pid.
bool owner_alive(const struct slot& s)
{
	std::optional<ProcStat> ps = proc_stat(static_cast<pid_t>(s.owner_pid));
	return ps && ps->state != 'Z' && ps->state != 'X' && ps->start == s.owner_start;
}

} // namespace

NodeLock::NodeLock(std::chrono::milliseconds wait)
{
	int fd = ::open(kLockPath, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		throw_errno(std::string("open lock ") + kLockPath);
	fd_.reset(fd);
	if (lock_within(fd, wait))
		return;
	if (errno == EWOULDBLOCK)
		throw Error(std::string(kLockPath) + " is held by another process for more than " +
			    std::to_string(wait.count()) + " ms");
	throw_errno(std::string("lock ") + kLockPath);
}

NodeProgram::NodeProgram(const NodeLock&, const std::string& btf_cache_dir)
{
	libbpf_set_print(log_libbpf);
	ensure_bpffs();
	// Each level checked before anything in it is used, removed or pinned.
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
	open_pins(std::move(dir));
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

NodeProgram::NodeProgram(std::string dir)
{
	open_pins(std::move(dir));
}

void NodeProgram::open_pins(std::string dir)
{
	dir_ = std::move(dir);
	pidns_ = get_pinned(dir_ + "/pidns");
	targets_ = get_pinned(dir_ + "/targets");
	membership_ = get_pinned(dir_ + "/membership");
	newborn_ = get_pinned(dir_ + "/newborn");
	gated_ = get_pinned(dir_ + "/gated");
	slots_ = get_pinned(dir_ + "/slots");
	args_ = get_pinned(dir_ + "/arg_values");
	settings_ = get_pinned(dir_ + "/settings");
	for (size_t i = 0; i < bitmaps_.size(); ++i)
		bitmaps_[i] = get_pinned(dir_ + "/" + kBitmapMaps[i]);
}

struct slot NodeProgram::read_slot(uint32_t nr) const
{
	struct slot s = {};
	check(bpf_map_lookup_elem(slots_.get(), &nr, &s), "read recorder slot");
	return s;
}


std::vector<struct slot> NodeProgram::read_slots() const
{
	std::vector<struct slot> all(MAX_RECORDINGS);
	for (const auto& [nr, s] : map_entries<uint32_t, struct slot>(slots_.get(), "read recorder slots"))
		if (nr < MAX_RECORDINGS)
			all[nr] = s;
	return all;
}

void NodeProgram::update_exit_program()
{
	bool wanted = false;
	for (const struct slot& s : read_slots())
		wanted = wanted || (s.in_use && s.watch_denied);
	std::string link = dir_ + "/link_" + kExitProg.name;
	bool attached = ::access(link.c_str(), F_OK) == 0;
	if (wanted && !attached)
		attach(dir_, get_pinned(dir_ + "/" + kExitProg.name).get(), kExitProg);
	else if (!wanted && attached)
		::unlink(link.c_str()); // detaches
}

struct seen_bitmap NodeProgram::read_bitmap(Bitmap which, uint32_t nr) const
{
	size_t i = static_cast<size_t>(which);
	struct seen_bitmap bits = {};
	check(bpf_map_lookup_elem(bitmaps_[i].get(), &nr, &bits), std::string("read BPF map ") + kBitmapMaps[i]);
	return bits;
}

size_t NodeProgram::free_stale_slots(const std::vector<struct slot>& slots, uint32_t from, size_t at_most)
{
	size_t freed = 0, checked = 0;
	for (uint32_t i = 0; i < MAX_RECORDINGS && checked < at_most; ++i) {
		uint32_t nr = (from + i) % MAX_RECORDINGS;
		const struct slot& s = slots[nr];
		if (!s.in_use)
			continue;
		++checked;
		if (owner_alive(s))
			continue;
		logging::warn("freeing the slot of tracing child " + std::to_string(s.owner_pid) + ", which is gone");
		free_slot(nr);
		++freed;
	}
	return freed;
}

std::vector<NodeProgram::InUse> NodeProgram::slots_in_use() const
{
	std::vector<InUse> used;
	std::vector<struct slot> all = read_slots();
	for (uint32_t nr = 0; nr < MAX_RECORDINGS; ++nr)
		if (all[nr].in_use)
			used.push_back({nr, all[nr], owner_alive(all[nr])});
	return used;
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

std::vector<std::pair<uint32_t, uint64_t>> NodeProgram::read_arg_values(uint32_t nr) const
{
	std::vector<std::pair<uint32_t, uint64_t>> values;
	for (const struct arg_key& key : arg_keys_of(nr))
		values.emplace_back(key.rule, key.value);
	return values;
}

std::vector<struct arg_key> NodeProgram::arg_keys_of(uint32_t nr) const
{
	std::vector<struct arg_key> keys;
	for (const auto& [key, unused] : map_entries<struct arg_key, uint8_t>(args_.get(), "read BPF map arg_values"))
		if (key.slot == nr)
			keys.push_back(key);
	return keys;
}

uint32_t NodeProgram::claim(const NodeLock&, const Target& target, bool watch_denied, bool arg_rules)
{
	struct settings set = read_settings();
	std::vector<struct slot> slots = read_slots();
	if (free_stale_slots(slots, set.tidy_from, kOwnerChecksPerClaim))
		slots = read_slots();
	std::optional<uint32_t> free = first_free(slots);
	if (!free && free_stale_slots(slots, 0, MAX_RECORDINGS)) // full: look at every one
		free = first_free(read_slots());
	if (!free)
		throw Error("already " + std::to_string(MAX_RECORDINGS) + " recordings on this node");

	uint32_t nr = *free;
	set = read_settings();
	set.tidy_from = (set.tidy_from + kOwnerChecksPerClaim) % MAX_RECORDINGS;
	set.generation++;
	write_settings(set);
	struct seen_bitmap none = {};
	for (const UniqueFd& map : bitmaps_)
		check(bpf_map_update_elem(map.get(), &nr, &none, BPF_ANY), "clear recorder slot");
	struct slot s = {};
	s.in_use = 1;
	s.pidns = target.pidns;
	s.mntns = target.mntns;
	s.init_tgid = static_cast<uint32_t>(target.pid);
	s.owner_pid = static_cast<uint32_t>(::getpid());
	s.generation = set.generation;
	s.members = 1; // the init, added below
	s.watch_denied = watch_denied ? 1 : 0;
	s.arg_rules = arg_rules ? 1 : 0;
	s.owner_start = proc_stat(::getpid()).value().start;
	check(bpf_map_update_elem(slots_.get(), &nr, &s, BPF_ANY), "claim recorder slot");
	try {
		struct target_key key = {target.pidns, target.mntns};
		if (bpf_map_update_elem(targets_.get(), &key, &nr, BPF_NOEXIST) < 0) {
			if (errno == EEXIST)
				throw Error("this container's namespaces are already being recorded");
			check(-errno, "add container to BPF filter");
		}
		uint32_t count = 0;
		bpf_map_lookup_elem(pidns_.get(), &target.pidns, &count);
		++count;
		check(bpf_map_update_elem(pidns_.get(), &target.pidns, &count, BPF_ANY),
		      "add PID namespace to BPF filter");
		if (target.pidns == HOST_PIDNS_INO)
			count_host_recording(+1);
		// Task storage is set through a pidfd: the init's main thread.
		struct member init = {nr, s.generation};
		int pidfd = target.pidfd.get();
		check(bpf_map_update_elem(membership_.get(), &pidfd, &init, BPF_ANY), "track container init");
		update_exit_program();
	} catch (...) {
		free_slot(nr);
		throw;
	}
	return nr;
}

struct settings NodeProgram::read_settings() const
{
	uint32_t zero = 0;
	struct settings set = {};
	check(bpf_map_lookup_elem(settings_.get(), &zero, &set), "read BPF recorder settings");
	return set;
}

void NodeProgram::write_settings(const struct settings& set)
{
	uint32_t zero = 0;
	check(bpf_map_update_elem(settings_.get(), &zero, &set, BPF_ANY), "update BPF recorder settings");
}

void NodeProgram::count_host_recording(int delta)
{
	struct settings set = read_settings();
	if (delta < 0 && set.host_recordings == 0)
		return;
	set.host_recordings += delta;
	write_settings(set);
}

void NodeProgram::free_slot(uint32_t nr)
{
	struct slot s = read_slot(nr);
	struct target_key key = {s.pidns, s.mntns};
	uint32_t mine = 0;
	// A claim refused because another slot records these namespaces added
	// nothing: the target and its PID namespace count are the other's.
	bool added = bpf_map_lookup_elem(targets_.get(), &key, &mine) == 0 && mine == nr;
	if (added)
		bpf_map_delete_elem(targets_.get(), &key);
	uint32_t count = 0;
	if (added && s.pidns == HOST_PIDNS_INO)
		count_host_recording(-1);
	if (added && bpf_map_lookup_elem(pidns_.get(), &s.pidns, &count) == 0) {
		if (count <= 1)
			bpf_map_delete_elem(pidns_.get(), &s.pidns);
		else if (--count, bpf_map_update_elem(pidns_.get(), &s.pidns, &count, BPF_ANY) < 0)
			logging::warn(std::string("update BPF PID namespace count: ") + std::strerror(errno));
	}
	// Its members' task storage is stale once the slot's generation changes;
	// entrants still gated are dropped.
	for (const auto& [tgid, slot] : map_entries<uint32_t, uint32_t>(gated_.get(), "read BPF map gated"))
		if (slot == nr)
			bpf_map_delete_elem(gated_.get(), &tgid);
	for (const auto& [tid, member] : map_entries<uint32_t, struct member>(newborn_.get(), "read BPF map newborn"))
		if (member.slot == nr)
			bpf_map_delete_elem(newborn_.get(), &tid);
	for (const struct arg_key& k : arg_keys_of(nr))
		bpf_map_delete_elem(args_.get(), &k);
	struct slot none = {};
	if (bpf_map_update_elem(slots_.get(), &nr, &none, BPF_ANY) < 0)
		logging::warn(std::string("free BPF recorder slot: ") + std::strerror(errno));
	forget_recording_info(nr);
}

void NodeProgram::release(const NodeLock&, uint32_t nr)
{
	free_slot(nr);
	update_exit_program();
	unload_if_idle();
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
	size_t freed = program.free_stale_slots(program.read_slots(), 0, MAX_RECORDINGS);
	program.update_exit_program();
	program.unload_if_idle();
	return freed;
}

void NodeProgram::unload_if_idle()
{
	for (const struct slot& s : read_slots())
		if (s.in_use)
			return;
	pidns_.reset();
	targets_.reset();
	membership_.reset();
	newborn_.reset();
	gated_.reset();
	slots_.reset();
	args_.reset();
	settings_.reset();
	for (UniqueFd& map : bitmaps_)
		map.reset();
	remove_pins(dir_);
	::rmdir(kPinRoot); // fails, as it should, while another build's pins are there
	forget_all_recording_info();
	logging::info("last recording done: detached and unpinned the BPF recorder");
}
