#include "recorder.h"

#include <bpf/libbpf.h>
#include <unistd.h>

#include <cstdarg>
#include <cstdio>
#include <string>

#include "error.h"
#include "log.h"
#include "recorder.skel.h"

namespace {

// One loaded program records one container: slot 0.
constexpr uint32_t kSlot = 0;
constexpr uint32_t kSlots = 1;

int log_libbpf(enum libbpf_print_level level, const char* fmt, va_list args)
{
	if (level == LIBBPF_DEBUG)
		return 0;
	char buf[1024];
	int n = std::vsnprintf(buf, sizeof(buf), fmt, args);
	std::string msg(buf);
	while (!msg.empty() && msg.back() == '\n')
		msg.pop_back();
	logging::warn("libbpf: " + msg);
	return n;
}

uint32_t ring_buffer_bytes(uint32_t slots)
{
	uint64_t need = uint64_t{slots} * EVENTS_PER_SLOT * EVENT_RECORD_BYTES;
	uint64_t size = static_cast<uint64_t>(::sysconf(_SC_PAGESIZE));
	while (size < need)
		size *= 2;
	return static_cast<uint32_t>(size);
}

// libbpf returns negative errnos and codes of its own (from 4000 up).
void check(int err, const std::string& what)
{
	if (err >= 0)
		return;
	char reason[256];
	libbpf_strerror(err, reason, sizeof(reason));
	throw Error(what + ": " + reason);
}

} // namespace

void Recorder::SkelDeleter::operator()(recorder_bpf* skel) const { recorder_bpf__destroy(skel); }
void Recorder::RingBufferDeleter::operator()(ring_buffer* rb) const { ring_buffer__free(rb); }

Recorder::Recorder(const Target& target, const std::string& btf_path)
{
	libbpf_set_print(log_libbpf);

	LIBBPF_OPTS(bpf_object_open_opts, opts, .btf_custom_path = btf_path.empty() ? nullptr : btf_path.c_str());
	skel_.reset(recorder_bpf__open_opts(&opts));
	if (!skel_)
		check(-errno, "open BPF recorder");
	skel_->rodata->prctl_nr = static_cast<uint32_t>(native_syscall_nr("prctl"));
	for (bpf_map* map : {skel_->maps.targets, skel_->maps.seen})
		check(bpf_map__set_max_entries(map, kSlots), "size BPF map " + std::string(bpf_map__name(map)));
	check(bpf_map__set_max_entries(skel_->maps.events, ring_buffer_bytes(kSlots)), "size BPF ring buffer");
	check(recorder_bpf__load(skel_.get()), "load BPF recorder");

	struct target t = {};
	t.slot = kSlot;
	t.mntns = target.mntns;
	check(bpf_map__update_elem(skel_->maps.targets, &target.pidns, sizeof(target.pidns), &t, sizeof(t), BPF_NOEXIST),
	      "add PID namespace to BPF filter");
	uint32_t tgid = static_cast<uint32_t>(target.pid);
	struct member init = {kSlot, 1};
	check(bpf_map__update_elem(skel_->maps.members, &tgid, sizeof(tgid), &init, sizeof(init), BPF_NOEXIST),
	      "add container init to BPF members");

	check(recorder_bpf__attach(skel_.get()), "attach BPF recorder");
	events_.reset(ring_buffer__new(bpf_map__fd(skel_->maps.events), on_event, this, nullptr));
	if (!events_)
		check(-errno, "create BPF ring buffer reader");
}

Recorder::~Recorder() = default;

int Recorder::event_fd() const { return ring_buffer__epoll_fd(events_.get()); }

void Recorder::consume() { check(ring_buffer__consume(events_.get()), "read BPF ring buffer"); }

uint64_t Recorder::lost() const { return skel_->bss->lost; }

uint64_t Recorder::untracked() const { return skel_->bss->untracked; }

int Recorder::on_event(void* ctx, void* data, size_t size)
{
	auto* self = static_cast<Recorder*>(ctx);
	if (size < sizeof(struct event))
		return 0;
	const auto* e = static_cast<const struct event*>(data);
	if (e->kind == EVENT_SYSCALL)
		self->syscalls_.insert(SyscallId{e->abi, e->nr});
	else if (e->kind == EVENT_EXIT)
		self->init_exited_ = true;
	return 0;
}
