// SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
// floor: attaches floor.bpf.c's empty program to sys_enter, prints
// "attached", and holds it until stdin closes.
#include <bpf/libbpf.h>
#include <unistd.h>

#include <cstdio>
#include <memory>

#include "floor.skel.h"

int main()
{
	struct Destroy {
		void operator()(floor_bpf* skel) const { floor_bpf__destroy(skel); }
	};
	std::unique_ptr<floor_bpf, Destroy> skel(floor_bpf__open_and_load());
	if (!skel || floor_bpf__attach(skel.get()) != 0) {
		std::perror("floor: load or attach");
		return 1;
	}
	std::puts("attached");
	std::fflush(stdout);
	char c;
	while (::read(STDIN_FILENO, &c, 1) > 0) {
	}
	return 0;
}
