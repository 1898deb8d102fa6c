#!/usr/bin/env bats
# One BPF program for every recording on the node: the first recording loads
# and attaches it, the last one out unloads it, and a recording that ends
# never takes it from one that goes on.

bats_require_minimum_version 1.5.0 # run --separate-stderr
load helpers

setup_file() { probe_runtime; }
setup() { setup_recorder; }
teardown() { teardown_recorder; }

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
	run --separate-stderr "$HOOK_BINARY" --profile-dir "$PROFILES" <<<"$(state_json "$init" "of:twice.json")"
	[ "$status" -ne 0 ]
	[[ "$stderr" == *"already being recorded"* ]]

	touch "$WORK/ctl/go"
	podman_ wait once
	wait_for_profile once
	assert_has_syscall once getsid # the first recording went on
	[ ! -e "$PROFILES/twice.json" ]
	assert_no_leftovers
}
