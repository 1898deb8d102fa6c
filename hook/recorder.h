// Loads and attaches the BPF recorder for one container and collects what it
// reports.
#pragma once

#include <cstdint>
#include <memory>
#include <set>
#include <string>

#include "syscalls.h"
#include "target.h"

struct recorder_bpf;
struct ring_buffer;

class Recorder {
public:
	// Recording is live when this returns: every syscall of the target's
	// namespace after its runtime's first prctl is seen. `btf_path`, if not
	// empty, names the kernel BTF to relocate against instead of
	// /sys/kernel/btf/vmlinux.
	Recorder(const Target& target, const std::string& btf_path);
	~Recorder();
	Recorder(const Recorder&) = delete;
	Recorder& operator=(const Recorder&) = delete;

	// Readable when events are waiting.
	int event_fd() const;
	// Takes every waiting event.
	void consume();

	bool init_exited() const { return init_exited_; }
	const std::set<SyscallId>& syscalls() const { return syscalls_; }
	// Events the kernel side could not hand over (the ring buffer is sized so
	// that this stays 0).
	uint64_t lost() const;
	// Descendants of the init that the members map had no room for.
	uint64_t untracked() const;

private:
	static int on_event(void* ctx, void* data, size_t size);

	struct SkelDeleter {
		void operator()(recorder_bpf* skel) const;
	};
	struct RingBufferDeleter {
		void operator()(ring_buffer* rb) const;
	};
	std::unique_ptr<recorder_bpf, SkelDeleter> skel_;
	std::unique_ptr<ring_buffer, RingBufferDeleter> events_;
	std::set<SyscallId> syscalls_;
	bool init_exited_ = false;
};
