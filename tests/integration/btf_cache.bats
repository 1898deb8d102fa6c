#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
# The BTF cache: the first load on a kernel relocates against the kernel's
# own BTF and caches what it used; later first loads relocate against that
# and record the same; a cache that does not load, or that others could
# have written, is not used.

bats_require_minimum_version 1.5.0
load helpers

setup_file() { probe_runtime; }
setup() {
	setup_recorder
	CACHE=$WORK/btf-cache
	install_hook "[\"--btf-cache\", \"$CACHE\"]"
}
teardown() { teardown_recorder; }

cache_files() {
	find "$CACHE" -maxdepth 1 -name '*.btf' 2>/dev/null
}

cache_written() {
	[ -n "$(cache_files)" ]
}

# record_probe NAME: records the probe, waits for its profile and for the
# node program to be gone (so that the next recording loads it again).
record_probe() {
	run record "$1" /bin/probe record
	[ "$status" -eq 0 ]
	wait_for_profile "$1"
	assert_has_syscall "$1" getitimer              # main thread
	assert_has_syscall "$1" sched_get_priority_max # second thread
	assert_has_syscall "$1" ioprio_get             # forked child
	assert_no_leftovers
}

loads_logged() {
	grep -c "loaded and attached the BPF recorder, relocated against $1" "$HOOK_LOG" || true
}

@test "the first load caches the kernel's BTF, the next one relocates against it and records the same" {
	record_probe first
	[ "$(loads_logged "the kernel's BTF")" -eq 1 ]
	wait_until 10 cache_written
	[ "$(cache_files | wc -l)" -eq 1 ]
	# Named for the kernel's build ID (from its notes) and the object's build.
	[[ "$(basename "$(cache_files)")" =~ ^[0-9a-f]{16,}-[0-9a-f]{16}\.btf$ ]]
	[ "$(stat -c %a "$CACHE")" = 700 ]
	bpftool btf dump file "$(cache_files)" | grep -q "STRUCT 'task_struct'"

	record_probe second
	[ "$(loads_logged "the cached $(cache_files)")" -eq 1 ]
	[ "$(loads_logged "the kernel's BTF")" -eq 1 ]
	# The same either way, but for the scheduling of runc's Go runtime
	# (between its first prctl and its exec), which differs from run to run.
	local go_runtime=(-e futex -e nanosleep -e sched_yield -e tgkill -e getpid -e rt_sigreturn)
	diff <(profile_names first | grep -vx "${go_runtime[@]}" | sort) \
		<(profile_names second | grep -vx "${go_runtime[@]}" | sort)
}

@test "a cached file that does not load is replaced, and the recording goes on" {
	record_probe first
	wait_until 10 cache_written
	local cached
	cached=$(cache_files)
	echo "not BTF" >"$cached"
	record_probe second
	grep -q "the cached BTF $cached did not load" "$HOOK_LOG"
	[ "$(loads_logged "the kernel's BTF")" -eq 2 ]
	wait_until 10 bash -c "bpftool btf dump file '$cached' >/dev/null 2>&1"
}

@test "a cache directory others can write is neither used nor written" {
	record_probe first
	wait_until 10 cache_written
	chmod 0777 "$CACHE"
	record_probe second
	grep -q "not using the BTF cache: $CACHE is writable by group or others" "$HOOK_LOG"
	[ "$(loads_logged "the kernel's BTF")" -eq 2 ]
	wait_until 10 grep -q "the next first load on this node will parse the kernel's BTF again: $CACHE is writable by group or others" "$HOOK_LOG"
}

@test "--btf-cache '' turns the cache off" {
	install_hook '["--btf-cache", ""]'
	record_probe first
	record_probe second
	[ "$(loads_logged "the kernel's BTF")" -eq 2 ]
	[ ! -e "$CACHE" ]
}
