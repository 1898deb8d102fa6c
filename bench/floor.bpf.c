// SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
/* The floor of the overhead figure: the cheapest program one can attach to
 * sys_enter. Every attached program costs every syscall on the node at
 * least this much. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "Dual BSD/GPL";

SEC("raw_tp/sys_enter")
int on_sys_enter_floor(void *ctx)
{
	return 0;
}
