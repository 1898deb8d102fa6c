#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
# Usage: reproducible.sh SOURCE_DIR BUILD_DIR
# Two builds of one tree, checked out at two different paths, give the BPF
# object of BUILD_DIR byte for byte: what is pinned on a node (and the pin
# directory named by its hash) does not depend on the machine or the path it
# was built at.
set -euo pipefail
source_dir=$1 build_dir=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The tree as it is on disk: tracked and new files, no build output.
copy_tree() {
	mkdir -p "$2"
	if git -C "$1" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
		git -C "$1" ls-files -z --cached --others --exclude-standard |
			(cd "$1" && xargs -0 cp --parents -t "$2")
	else
		tar -C "$1" --exclude=./build --exclude=./.git -cf - . | tar -C "$2" -xf -
	fi
}

want=$(sha256sum <"$build_dir/bpf/recorder.bpf.o")
for at in "$tmp/a" "$tmp/another/checkout/of/the/same/commit"; do
	copy_tree "$source_dir" "$at/src"
	cmake -S "$at/src" -B "$at/build" >"$at/configure.log" 2>&1 || { cat "$at/configure.log"; exit 1; }
	cmake --build "$at/build" --target recorder_skel_gen >"$at/build.log" 2>&1 || { cat "$at/build.log"; exit 1; }
	got=$(sha256sum <"$at/build/bpf/recorder.bpf.o")
	if [ "$got" != "$want" ]; then
		echo "recorder.bpf.o built at $at/src differs from $build_dir's:" >&2
		echo "  $got" >&2
		echo "  $want" >&2
		exit 1
	fi
done
echo "recorder.bpf.o: the same from $build_dir and two other checkouts (sha256 ${want%% *})"
