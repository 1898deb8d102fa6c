// SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
// load: where the first recording's load time goes. Prints, in ms (median of
// RUNS loads, RUNS from argv[1], default 5): parsing the kernel's BTF alone,
// opening and loading the whole recorder (relocation and verification, what
// the first hook on a node pays) against the kernel's BTF and against the
// cut-down BTF the hook caches (BtfCache, written here to a temp dir), and
// loading each program alone (against that BTF: its verification and the
// maps it uses). Loads nothing it keeps:
// every object is destroyed, nothing is attached.
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <unistd.h>

#include "node/btf_cache.h"
#include "recorder.skel.h"

namespace {

double ms_of(const std::function<bool()>& step)
{
	auto start = std::chrono::steady_clock::now();
	if (!step()) {
		std::fprintf(stderr, "load: a step failed: %s\n", std::strerror(errno));
		std::exit(1);
	}
	return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
}

double median(std::vector<double> v)
{
	std::sort(v.begin(), v.end());
	return v[v.size() / 2];
}

// Opens and loads the recorder with only `only` set to load (all if empty),
// relocated against `btf` (the kernel's if empty).
bool load(const std::string& only, const std::string& btf = "")
{
	LIBBPF_OPTS(bpf_object_open_opts, opts, .btf_custom_path = btf.empty() ? nullptr : btf.c_str());
	recorder_bpf* skel = recorder_bpf__open_opts(&opts);
	if (!skel)
		return false;
	bpf_program* prog;
	bpf_object__for_each_program(prog, skel->obj)
		bpf_program__set_autoload(prog, only.empty() || only == bpf_program__name(prog));
	bool ok = recorder_bpf__load(skel) == 0;
	recorder_bpf__destroy(skel);
	return ok;
}

} // namespace

int main(int argc, char** argv)
{
	int runs = argc > 1 ? std::atoi(argv[1]) : 5;
	libbpf_set_print([](enum libbpf_print_level, const char*, va_list) { return 0; });
	char dir[] = "/tmp/bench-load.XXXXXX";
	if (!::mkdtemp(dir)) {
		std::perror("load: mkdtemp");
		return 1;
	}
	size_t size = 0;
	const void* elf = recorder_bpf::elf_bytes(&size);
	BtfCache cache(dir, "bench", std::string_view(static_cast<const char*>(elf), size));
	std::optional<std::string> cut_down;
	try {
		cache.write();
		cut_down = cache.find();
	} catch (const std::exception& e) {
		std::fprintf(stderr, "load: %s\n", e.what());
	}
	std::vector<double> btf, whole, cached;
	for (int i = 0; i < runs; ++i) {
		btf.push_back(ms_of([] {
			struct btf* vmlinux = btf__load_vmlinux_btf();
			btf__free(vmlinux);
			return vmlinux != nullptr;
		}));
		whole.push_back(ms_of([] { return load(""); }));
		if (cut_down)
			cached.push_back(ms_of([&] { return load("", *cut_down); }));
	}
	std::printf("kernel BTF parse %.1f\n", median(btf));
	std::printf("whole recorder open+load %.1f\n", median(whole));
	if (cut_down)
		std::printf("whole recorder open+load against the cached BTF %.1f\n", median(cached));
	recorder_bpf* names = recorder_bpf__open();
	bpf_program* prog;
	bpf_object__for_each_program(prog, names->obj) {
		std::string name = bpf_program__name(prog);
		std::vector<double> alone;
		for (int i = 0; i < runs; ++i)
			alone.push_back(ms_of([&] { return load(name, cut_down.value_or("")); }));
		std::printf("%s alone %.1f\n", name.c_str(), median(alone));
	}
	recorder_bpf__destroy(names);
	cache.remove();
	::rmdir(dir);
	return 0;
}
