#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
# shellcheck disable=SC2154 # stderr and stderr_lines: set by bats' run --separate-stderr
# One BPF program for every recording on the node: the first recording loads
# and attaches it, the last one out unloads it, and a recording that ends
# never takes it from one that goes on.

bats_require_minimum_version 1.5.0 # run --separate-stderr
load helpers

setup_file() { probe_runtime; }
setup() { setup_recorder; }
teardown() {
	[ -z "${PLANTED:-}" ] || rmdir "$PLANTED"
	[ -z "${REAPER:-}" ] || kill "$REAPER" 2>/dev/null || true
	stop_target
	teardown_recorder
}

sys_enter_programs() {
	bpftool -j prog show | jq '[.[] | select(.name == "on_sys_enter")] | length'
}

@test "overlapping recordings share one program; one ending leaves the other recording" {
	mkdir "$WORK/ctl"
	run_container -d --name a -v "$WORK/ctl:/ctl" --annotation "$ANNOTATION=of:a.json" -- \
		/bin/sh -c '/bin/probe call getsid; while [ ! -e /ctl/go ]; do sleep 0.05; done; /bin/probe call times'
	wait_for_output a "main: getsid ok"
	[ "$(sys_enter_programs)" = 1 ]

	run record b /bin/probe call getpgid
	[ "$status" -eq 0 ]
	wait_for_profile b
	assert_has_syscall b getpgid
	assert_lacks_syscall b getsid
	[ "$(sys_enter_programs)" = 1 ] # still there for a

	touch "$WORK/ctl/go"
	podman_ wait a
	wait_for_profile a
	assert_has_syscall a getsid
	assert_has_syscall a times # made after b's recording had ended
	assert_lacks_syscall a getpgid
	assert_no_leftovers
}

@test "the slot of a tracing child killed with SIGKILL is freed by the next recording" {
	run_container -d --name orphan --annotation "$ANNOTATION=of:orphan.json" -- /bin/sleep 600
	local child
	child=$(tracing_children)
	kill -KILL "$child"
	wait_until 5 test ! -e "/proc/$child"
	[ "$(sys_enter_programs)" = 1 ] # nobody left to unload it yet

	run record next /bin/true
	[ "$status" -eq 0 ]
	wait_for_profile next
	grep -q "freeing the slot of tracing child $child, which is gone" "$HOOK_LOG"
	podman_ kill orphan
	assert_no_leftovers
	[ ! -e "$PROFILES/orphan.json" ]
}

@test "a second recording of a container being recorded is refused and leaves the first recording" {
	mkdir "$WORK/ctl"
	run_container -d --name once -v "$WORK/ctl:/ctl" --annotation "$ANNOTATION=of:once.json" -- \
		/bin/sh -c 'while [ ! -e /ctl/go ]; do sleep 0.05; done; /bin/probe call getsid'
	local init
	init=$(podman_ inspect -f '{{.State.Pid}}' once)
	run --separate-stderr "$HOOK_BINARY" --profile-dir "$PROFILES" --linger 0 <<<"$(state_json "$init" "of:twice.json")"
	[ "$status" -ne 0 ]
	[[ "$stderr" == *"already being recorded"* ]]

	touch "$WORK/ctl/go"
	podman_ wait once
	wait_for_profile once
	assert_has_syscall once getsid # the first recording went on
	[ ! -e "$PROFILES/twice.json" ]
	assert_no_leftovers
}

@test "the slot of a tracing child that died but was never reaped (a zombie) is freed too" {
	# The hook's child outlives the hook; its new parent here is a
	# subreaper that never reaps, so the killed child stays a zombie.
	start_target
	/usr/bin/python3 -c 'import ctypes, subprocess, sys, time
ctypes.CDLL(None).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER
subprocess.run(sys.argv[2:], check=True)
open(sys.argv[1], "w").close()
time.sleep(600)' "$WORK/hook-done" "$HOOK_BINARY" --profile-dir "$PROFILES" --linger 0 --log-file "$HOOK_LOG" \
		<<<"$(state_json "$TARGET" "of:zombie.json")" &
	REAPER=$!
	wait_until 10 test -e "$WORK/hook-done"
	local child
	child=$(pgrep -P "$REAPER") # the hook has exited: this is its tracing child
	[ "$child" = "$(tracing_children | grep -vx "$REAPER")" ]
	kill -KILL "$child"
	wait_until 5 grep -q '^State:.Z' "/proc/$child/status"

	run record next /bin/true
	[ "$status" -eq 0 ]
	wait_for_profile next
	grep -q "freeing the slot of tracing child $child, which is gone" "$HOOK_LOG"
	kill "$REAPER" # (its command line names the profile dir too)
	stop_target
	assert_no_leftovers
}

@test "a lock holder that never lets go does not hang the container's start" {
	install_hook '["--timeout", "1"]'
	( exec 9>>/run/oci-seccomp-recorder.lock && flock 9 && exec sleep 60 ) &
	local holder=$!
	wait_until 5 sh -c "! flock -n /run/oci-seccomp-recorder.lock true"
	# (timeout's 124 would mean a hang)
	run timeout 30 podman --root "$WORK/storage" --runroot "$WORK/run" --storage-driver vfs --cgroup-manager cgroupfs \
		--events-backend none --hooks-dir "$WORK/hooks" run --rm --runtime "$RUNTIME" --network none \
		--ulimit nofile=1024:1024 --ulimit nproc=1024:1024 --annotation "$ANNOTATION=of:stuck.json" \
		--rootfs "$ROOTFS" /bin/true
	kill "$holder"
	echo "$output"
	[ "$status" -ne 0 ]
	[ "$status" -ne 124 ]
	[[ "$output" == *"tracing child did not start recording within 1000 ms"* ]]
	grep -q "clean up after the tracing child: /run/oci-seccomp-recorder.lock is held by another process for more than 1000 ms" "$HOOK_LOG"
	assert_no_leftovers
}

@test "a pin directory planted by someone else is refused in one line, and nothing is pinned in it" {
	local root=/sys/fs/bpf/oci-seccomp-recorder
	[ ! -e "$root" ] # no recording runs
	mkdir -m 0777 "$root"
	PLANTED=$root
	run record planted /bin/true
	[ "$status" -ne 0 ]
	[[ "$output" == *"$root is writable by group or others: refusing to trust it"* ]]
	[ -z "$(ls -A "$root")" ]
	chmod 0700 "$root"
	chown 65534 "$root"
	run record planted /bin/true
	[ "$status" -ne 0 ]
	[[ "$output" == *"$root is owned by uid 65534, not root: refusing to trust it"* ]]
	[ -z "$(ls -A "$root")" ]
	rmdir "$root"
	PLANTED=
	[ ! -e "$PROFILES/planted.json" ]
	assert_no_leftovers
}

@test "pins a crash left half-way through a load go with the next load; cleanup removes pins that lack a map" {
	local root=/sys/fs/bpf/oci-seccomp-recorder id child
	run_container -d --name first --annotation "$ANNOTATION=of:first.json" -- /bin/sleep 600
	id=$(ls "$root")
	[ -e "$root/$id/slots" ]
	podman_ kill first
	assert_no_leftovers

	# A load killed half-way: its directory, and a map pinned in it.
	mkdir -m 0700 "$root" "$root/${id}_partial"
	bpftool map create "$root/${id}_partial/seen" type array key 4 value 4 entries 1 name seen
	run -0 record next /bin/true
	wait_for_profile next
	assert_no_leftovers

	# A map's pin removed by hand while a recording whose child is gone holds
	# the slot: cleanup cannot open the maps, and removes what is left.
	run_container -d --name second --annotation "$ANNOTATION=of:second.json" -- /bin/sleep 600
	child=$(tracing_children)
	kill -KILL "$child"
	wait_until 5 test ! -e "/proc/$child"
	rm "$root/$id/gated"
	run -0 "$HOOK_BINARY" cleanup
	podman_ kill second
	assert_no_leftovers
}

@test "the tracing child holds the container's namespaces open, so their inodes cannot be reused meanwhile" {
	run_container -d --name held --annotation "$ANNOTATION=of:held.json" -- /bin/sleep 600
	local init child fds
	init=$(podman_ inspect -f '{{.State.Pid}}' held)
	child=$(tracing_children)
	fds=$(for fd in /proc/"$child"/fd/*; do readlink "$fd"; done)
	grep -qxF "$(readlink "/proc/$init/ns/pid")" <<<"$fds"
	grep -qxF "$(readlink "/proc/$init/ns/mnt")" <<<"$fds"
	podman_ kill held
	assert_no_leftovers
}

detached() { [[ "$(our_bpf_objects)" == *" links=0 "* ]]; }

# Our programs' ids, sorted, one line.
our_program_ids() {
	local names
	names=$(our_program_names | jq -Rnc '[inputs[:15]]')
	bpftool -j prog show | jq -c --argjson names "$names" '[.[] | select(.name | IN($names[])) | .id] | sort'
}

@test "after the last recording the program lingers, detached; the next recording attaches it without loading" {
	install_hook '["--linger", "60"]'
	run record a /bin/probe call getsid
	[ "$status" -eq 0 ]
	wait_for_profile a
	# Loaded and pinned, attached nowhere: no cost on the node's syscalls.
	wait_until 5 detached
	[[ "$(our_bpf_objects)" == "progs=5 "*" links=0 pins="* ]]
	ids=$(our_program_ids)
	run "$HOOK_BINARY" status
	echo "$output"
	[ "${lines[0]}" = "no recordings on this node" ]
	[[ "${lines[1]}" == "the BPF recorder lingers, loaded and detached, until "*": the next recording attaches it without loading (cleanup unloads it now)" ]]
	grep -q "last recording done: detached the BPF recorder; it stays loaded for 60 s" "$HOOK_LOG"
	[ "$(tracing_children | wc -l)" = 1 ] # the process that unloads it when its time is up

	run record b /bin/probe call getpgid
	[ "$status" -eq 0 ]
	wait_for_profile b
	assert_has_syscall b getpgid
	assert_lacks_syscall b getsid
	[ "$(grep -c "loaded and attached the BPF recorder" "$HOOK_LOG")" = 1 ] # a's only
	grep -q "attached the lingering BPF recorder (no load)" "$HOOK_LOG"
	[ "$(our_program_ids)" = "$ids" ] # the same programs: not loaded again

	run --separate-stderr "$HOOK_BINARY" cleanup
	[ "$output" = "unloaded the lingering BPF recorder" ]
	assert_no_leftovers # its waiter too
}

@test "a lingering program is unloaded when its time is up, unless a recording came meanwhile" {
	install_hook '["--linger", "3"]'
	run record a /bin/probe call getsid
	wait_for_profile a
	sleep 2
	run record b /bin/probe call getpgid # attaches it; its end lingers 3 s more
	wait_for_profile b
	sleep 2 # a's time is up: its waiter leaves the program to b's
	[[ "$(our_bpf_objects)" == "progs=5 "* ]]
	assert_no_leftovers # by b's time
	[ "$(grep -c "unloaded the lingering BPF recorder: no recording came in time" "$HOOK_LOG")" = 1 ]
}
