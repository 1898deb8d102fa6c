#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
# Nothing lost under load: many recordings that end at once, as on a CI node
# at the end of a test run, each get their profile, and recordings that name
# one file end in its union.

bats_require_minimum_version 1.5.0
load helpers

setup_file() { probe_runtime; }
setup() { setup_recorder; }
teardown() {
	[ -z "${BUSY_PIDS:-}" ] || kill $BUSY_PIDS 2>/dev/null || true
	if [ -n "${SLOWFS_PID:-}" ]; then
		umount "$PROFILES" || umount -l "$PROFILES"
		wait "$SLOWFS_PID" || true
		SLOWFS_PID=
	fi
	teardown_recorder
}

# The probe's distinctive syscalls (see probe.c): one per container of the
# group that shares a file, so that its union can be checked call by call.
CALLS=(getitimer sched_get_priority_max sched_get_priority_min ioprio_get sysinfo times getrusage getpgid
	getsid sched_getscheduler sched_getparam sched_rr_get_interval getcpu membarrier getgroups alarm mkdir)
OWN=120

# A container that makes its call, then waits for the gate.
start_gated() {
	local name=$1 profile=$2 call=$3
	run_container -d --name "$name" -v "$WORK/ctl:/ctl" --annotation "$ANNOTATION=of:$profile" -- \
		/bin/sh -c "/bin/probe call $call; while [ ! -e /ctl/go ]; do sleep 0.2; done" >/dev/null
}

recordings() {
	"$HOOK_BINARY" status --json | jq 'map(select(.container != null)) | length'
}

recordings_are() {
	[ "$(recordings)" = "$1" ]
}

# OWN containers with files of their own and a group of ${#CALLS[@]} that
# name shared.json, all released by one gate.
record_mass_exit() {
	mkdir -p "$WORK/ctl"
	local i names=() started=()
	for i in $(seq "$OWN"); do
		start_gated "o$i" "o$i.json" "${CALLS[$((i % 16))]}" &
		started+=($!)
		names+=("o$i")
		# a few podman runs at a time: two CPUs
		if [ $((i % 4)) = 0 ]; then wait "${started[@]}"; started=(); fi
	done
	for i in "${!CALLS[@]}"; do
		start_gated "g$i" shared.json "${CALLS[$i]}" &
		started+=($!)
		names+=("g$i")
	done
	wait "${started[@]}"
	local total=$((OWN + ${#CALLS[@]}))
	wait_until 120 recordings_are "$total" ||
		{ echo "$(recordings) of $total recordings running" >&2; return 1; }
	touch "$WORK/ctl/go"
	podman_ wait "${names[@]}" >/dev/null
	# Every tracing child has written and gone.
	wait_until 300 no_tracing_child || { echo "tracing children left: $(tracing_children | wc -l)" >&2; return 1; }
}

assert_all_written() {
	local i missing=0
	for i in $(seq "$OWN"); do
		[ -f "$PROFILES/o$i.json" ] || { echo "o$i.json was not written" >&2; missing=$((missing + 1)); continue; }
		assert_report_agrees "o$i"
		assert_has_syscall "o$i" "${CALLS[$((i % 16))]}"
		assert_lacks_syscall "o$i" "${CALLS[$(((i + 1) % 16))]}"
	done
	[ "$missing" = 0 ]
	for i in "${!CALLS[@]}"; do
		assert_has_syscall shared "${CALLS[$i]}"
	done
	run -1 grep -E "lock directory|not saved|unwritten|error" "$HOOK_LOG"
	assert_no_leftovers
}

@test "137 recordings ending at once: every own profile is written, the shared one holds the group's union" {
	record_mass_exit
	assert_all_written
}

@test "the same while the machine is busy (load well above the CPU count)" {
	BUSY_PIDS=
	for _ in $(seq 8); do
		(while :; do :; done) &
		BUSY_PIDS="$BUSY_PIDS $!"
	done
	record_mass_exit
	kill $BUSY_PIDS
	BUSY_PIDS=
	assert_all_written
}

@test "the same with the profile directory on a slow disk (every fsync takes 50 ms, one at a time)" {
	mkdir -m 0700 "$WORK/disk" "$PROFILES"
	"$SLOWFS_BINARY" "$WORK/disk" "$PROFILES" 50 &
	SLOWFS_PID=$!
	wait_until 5 mountpoint -q "$PROFILES"
	record_mass_exit
	assert_all_written
	# Written through the slow disk, not beside it.
	[ -f "$WORK/disk/o1.json" ]
}
