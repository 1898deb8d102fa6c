#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
# The first recording on a node, by two builds of the hook in turn, in the
# same minutes: what a change does to the first load, where the VM's speed
# drifts between two runs of bench/run.sh more than the change moves it.
#
#   bench/first_load.sh HOOK_A HOOK_B [RUNS]     (as root; RUNS=40)
#
# Each hook runs with --linger 0 (A_ARGS, B_ARGS: other options, e.g. none
# for a build older than --linger) and a BTF cache its first run writes.
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -ge 2 ] || { echo "usage: bench/first_load.sh HOOK_A HOOK_B [RUNS]" >&2; exit 2; }
[ "$(id -u)" = 0 ] || { echo "bench/first_load.sh: run as root (it loads BPF)" >&2; exit 1; }
HOOK_A=$(realpath "$1") HOOK_B=$(realpath "$2") RUNS=${3:-40}
read -ra A_OPTS <<<"${A_ARGS---linger 0}"
read -ra B_OPTS <<<"${B_ARGS---linger 0}"
# shellcheck source=lib.bash
source bench/lib.bash
setup_recorder
trap 'stop_target; teardown_recorder >/dev/null' EXIT
mkdir -m 0700 "$PROFILES" "$WORK/btf-a" "$WORK/btf-b"

first() { # a | b -> microseconds
	if [ "$1" = a ]; then
		hook_run_us "$HOOK_A" --profile-dir "$PROFILES" "${A_OPTS[@]}" --btf-cache "$WORK/btf-a"
	else
		hook_run_us "$HOOK_B" --profile-dir "$PROFILES" "${B_OPTS[@]}" --btf-cache "$WORK/btf-b"
	fi
	wait_until 10 nothing_left
}
first a >/dev/null # each writes its BTF cache
first b >/dev/null
a=() b=()
for _ in $(seq "$RUNS"); do
	a+=("$(first a)")
	b+=("$(first b)")
done
ms() { printf '%s\n' "$@" | awk '{ print $1 / 1000 }' | spread; }
a_ms=$(ms "${a[@]}") b_ms=$(ms "${b[@]}")
echo "first recording, ms (median [p25–p75] of $RUNS each, in turn):"
echo "A $HOOK_A: $a_ms"
echo "B $HOOK_B: $b_ms ($(ratio "$(median_of "$b_ms")" "$(median_of "$a_ms")") of A)"
