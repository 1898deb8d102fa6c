// SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
// The kernel's BTF cut down to what the recorder's CO-RE relocations use
// (bpftool gen min_core_btf), kept per kernel build and program build. A
// first load that relocates against it never parses /sys/kernel/btf/vmlinux
// (what that costs: bench/README.md, "where the first load goes"): the node
// program's programs are raw tracepoints, which need no kernel BTF from user
// space otherwise.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

class BtfCache {
public:
	// `dir`: where the files live (created 0700); `object_id`: names the
	// BPF object's build; `object`: its ELF bytes.
	BtfCache(std::string dir, std::string object_id, std::string_view object);

	// The file for the running kernel, if one was written and `dir` is
	// root's alone. None on a kernel without a build ID.
	std::optional<std::string> find() const;
	// Writes it, atomically, and removes the files of other builds. Runs
	// bpftool, which parses the kernel's BTF: after a container has started,
	// never on its way.
	void write() const;
	// Removes it (it failed to load).
	void remove() const;

private:
	std::string dir_;
	std::string path_; // empty: no build ID, nothing is cached
	std::string_view object_;
};

// The GNU build ID note of ELF notes (as in /sys/kernel/notes), in hex; none
// if they have none.
std::optional<std::string> build_id_of_notes(std::string_view notes);

// The first of `paths` this process may execute (the order is the
// preference); null if none.
const char* first_executable(std::span<const char* const> paths);
