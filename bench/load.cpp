// load: where the first recording's load time goes. Prints, in ms (median of
// RUNS loads, RUNS from argv[1], default 5): parsing the kernel's BTF alone,
// opening and loading the whole recorder (relocation and verification, what
// the first hook on a node pays), and loading each program alone. Loads
// nothing it keeps: every object is destroyed, nothing is attached.
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

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

// Opens and loads the recorder with only `only` set to load (all if empty).
bool load(const std::string& only)
{
	recorder_bpf* skel = recorder_bpf__open();
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
	std::vector<double> btf, whole;
	for (int i = 0; i < runs; ++i) {
		btf.push_back(ms_of([] {
			struct btf* vmlinux = btf__load_vmlinux_btf();
			btf__free(vmlinux);
			return vmlinux != nullptr;
		}));
		whole.push_back(ms_of([] { return load(""); }));
	}
	std::printf("kernel BTF parse %.1f\n", median(btf));
	std::printf("whole recorder open+load %.1f\n", median(whole));
	recorder_bpf* names = recorder_bpf__open();
	bpf_program* prog;
	bpf_object__for_each_program(prog, names->obj) {
		std::string name = bpf_program__name(prog);
		std::vector<double> alone;
		for (int i = 0; i < runs; ++i)
			alone.push_back(ms_of([&] { return load(name); }));
		std::printf("%s alone %.1f\n", name.c_str(), median(alone));
	}
	recorder_bpf__destroy(names);
	return 0;
}
