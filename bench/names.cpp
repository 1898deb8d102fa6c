// SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
// names: reads native syscall numbers, one per line, and prints the name
// libseccomp gives each (the same resolution the hook uses).
#include <iostream>

#include "profile/syscalls.h"

int main()
{
	const Abi& native = host_abis().front();
	for (int nr; std::cin >> nr;)
		if (auto name = syscall_name(native.scmp_arch, nr))
			std::cout << *name << "\n";
	return 0;
}
