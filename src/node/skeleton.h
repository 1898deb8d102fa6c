// SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
// The BPF recorder's generated skeleton (bpftool gen skeleton), and the
// names of its maps and programs as user space refers to them: each checked
// by the compiler against the skeleton, so that one renamed or removed in
// recorder.bpf.c fails the build here rather than a recording on a node.
#pragma once

#include <memory>

#include "recorder.skel.h"

#define SKELETON_MAP(name) (sizeof(decltype(recorder_bpf::maps)::name) ? #name : nullptr)
#define SKELETON_PROG(name) (sizeof(decltype(recorder_bpf::progs)::name) ? #name : nullptr)

struct DestroySkeleton {
	void operator()(recorder_bpf* skel) const { recorder_bpf__destroy(skel); }
};
using Skeleton = std::unique_ptr<recorder_bpf, DestroySkeleton>;
