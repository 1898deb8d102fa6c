// SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
#include "node/btf_cache.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <vector>

#include "base/child_process.h"
#include "base/error.h"
#include "base/fd.h"
#include "base/log.h"
#include "base/proc_stat.h"
#include "base/trusted_dir.h"

namespace {

constexpr const char* kKernelNotes = "/sys/kernel/notes";
constexpr const char* kKernelBtf = "/sys/kernel/btf/vmlinux";
// Debian's bpftool is in /usr/sbin; the hook's PATH is the runtime's, never searched.
constexpr std::array kBpftool = {"/usr/sbin/bpftool", "/usr/bin/bpftool", "/sbin/bpftool"};
// A stuck bpftool must not keep the tracing child from its container.
constexpr std::chrono::milliseconds kBpftoolTimeout{10000};
constexpr size_t kMaxNotesBytes = 64 * 1024;

std::optional<std::string> kernel_build_id()
{
	UniqueFd fd(::open(kKernelNotes, O_RDONLY | O_CLOEXEC));
	if (!fd)
		return std::nullopt;
	try {
		return build_id_of_notes(read_capped(fd.get(), kMaxNotesBytes, kKernelNotes));
	} catch (const std::exception&) {
		return std::nullopt;
	}
}

std::string make_temp(const std::string& dir, const char* prefix)
{
	std::string path = dir + "/" + prefix + "XXXXXX";
	UniqueFd fd(::mkostemp(path.data(), O_CLOEXEC));
	if (!fd)
		throw_errno("create a file in " + dir);
	return path;
}

// Runs bpftool with `args`, its output to /dev/null, within the timeout.
void run_bpftool(const std::vector<std::string>& args)
{
	const char* bpftool = first_executable(kBpftool);
	if (!bpftool)
		throw Error("bpftool is not installed");
	std::vector<char*> argv{const_cast<char*>(bpftool)};
	for (const std::string& arg : args)
		argv.push_back(const_cast<char*>(arg.c_str()));
	argv.push_back(nullptr);
	pid_t pid = ::fork();
	if (pid < 0)
		throw_errno("fork for bpftool");
	if (pid == 0) {
		int null = ::open("/dev/null", O_RDWR);
		::dup2(null, STDOUT_FILENO);
		::dup2(null, STDERR_FILENO);
		::execv(bpftool, argv.data());
		::_exit(127);
	}
	ChildProcess child(pid);
	UniqueFd pidfd = pidfd_open(pid);
	if (!pidfd)
		throw_errno(std::string("pidfd_open ") + bpftool);
	if (!wait_exited(pidfd.get(), kBpftoolTimeout))
		throw Error(std::string(bpftool) + " did not finish within " + std::to_string(kBpftoolTimeout.count()) + " ms");
	if (std::string how = child.reap(); how != "exit status 0")
		throw Error(std::string(bpftool) + " gen min_core_btf failed: " + how);
}

} // namespace

const char* first_executable(std::span<const char* const> paths)
{
	for (const char* path : paths)
		if (::access(path, X_OK) == 0)
			return path;
	return nullptr;
}

std::optional<std::string> build_id_of_notes(std::string_view notes)
{
	constexpr uint32_t kGnuBuildId = 3; // NT_GNU_BUILD_ID
	auto align4 = [](size_t n) { return (n + 3) & ~size_t{3}; };
	size_t at = 0;
	while (at + 12 <= notes.size()) {
		uint32_t header[3]; // name size, description size, type
		std::memcpy(header, notes.data() + at, sizeof(header));
		size_t name_at = at + 12;
		size_t desc_at = name_at + align4(header[0]);
		if (header[0] > notes.size() || header[1] > notes.size() || desc_at + header[1] > notes.size())
			return std::nullopt;
		if (header[2] == kGnuBuildId && notes.substr(name_at, header[0]) == std::string_view("GNU\0", 4) &&
		    header[1] > 0) {
			std::string hex;
			char byte[3];
			for (unsigned char c : notes.substr(desc_at, header[1])) {
				std::snprintf(byte, sizeof(byte), "%02x", c);
				hex += byte;
			}
			return hex;
		}
		at = desc_at + align4(header[1]);
	}
	return std::nullopt;
}

BtfCache::BtfCache(std::string dir, std::string object_id, std::string_view object)
	: dir_(std::move(dir)), object_(object)
{
	if (std::optional<std::string> id = kernel_build_id())
		path_ = dir_ + "/" + *id + "-" + object_id + ".btf";
}

std::optional<std::string> BtfCache::find() const
{
	if (path_.empty() || ::access(path_.c_str(), F_OK) != 0)
		return std::nullopt;
	try {
		require_trusted_dir(dir_, false);
		require_trusted_file(path_);
	} catch (const std::exception& e) {
		logging::warn(std::string("not using the BTF cache: ") + e.what());
		return std::nullopt;
	}
	return path_;
}

void BtfCache::write() const
{
	if (path_.empty())
		throw Error(std::string(kKernelNotes) + " has no build ID: the kernel's BTF is not cached");
	if (::mkdir(dir_.c_str(), 0700) < 0 && errno != EEXIST)
		throw_errno("create " + dir_);
	require_trusted_dir(dir_, false);
	std::string object = make_temp(dir_, ".object-");
	std::string btf;
	try {
		UniqueFd fd(::open(object.c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC | O_NOFOLLOW));
		if (!fd || !write_all(fd.get(), object_))
			throw_errno("write " + object);
		fd.reset();
		btf = make_temp(dir_, ".btf-");
		run_bpftool({"gen", "min_core_btf", kKernelBtf, btf, object});
		::chmod(btf.c_str(), 0644);
		if (::rename(btf.c_str(), path_.c_str()) < 0)
			throw_errno("rename " + btf + " to " + path_);
		btf.clear();
	} catch (...) {
		::unlink(object.c_str());
		if (!btf.empty())
			::unlink(btf.c_str());
		throw;
	}
	::unlink(object.c_str());
	// Files of other kernels or builds: the next one written for them is as cheap.
	if (DIR* d = ::opendir(dir_.c_str())) {
		std::string mine = path_.substr(dir_.size() + 1);
		while (struct dirent* e = ::readdir(d)) {
			std::string name = e->d_name;
			if (name != mine && name.size() > 4 && name.ends_with(".btf") && name[0] != '.')
				::unlinkat(::dirfd(d), name.c_str(), 0);
		}
		::closedir(d);
	}
	logging::info("cached the kernel's BTF for the recorder in " + path_);
}

void BtfCache::remove() const
{
	if (!path_.empty())
		::unlink(path_.c_str());
}
