#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
# Faults: the profile still lands, complete for what ran and never half
# written, or the hook fails clearly; nothing of ours is left either way.

bats_require_minimum_version 1.5.0
load helpers

setup_file() { probe_runtime; }
setup() { setup_recorder; }
teardown() {
	! mountpoint -q "${PROFILES:-/nonexistent}" || umount "$PROFILES"
	teardown_recorder
}

# A container that makes the probe's syscalls, then waits to be stopped.
start_long_container() {
	run_container -d --name "$1" --annotation "$ANNOTATION=of:$1.json" -- \
		/bin/sh -c '/bin/probe record; exec sleep 600'
	wait_for_output "$1" "child: ioprio_get ok"
}

assert_probe_recorded() {
	jq -e . "$PROFILES/$1.json" >/dev/null # whole, valid JSON
	assert_has_syscall "$1" getitimer
	assert_has_syscall "$1" sched_get_priority_max
	assert_has_syscall "$1" ioprio_get
}

@test "a container killed with SIGKILL gets a complete profile" {
	start_long_container killed
	podman_ kill killed
	wait_for_profile killed
	assert_probe_recorded killed
	assert_has_syscall killed nanosleep # busybox sleep, killed in it
	assert_no_leftovers
}

@test "a container stopped with podman stop gets a complete profile" {
	start_long_container stopped
	podman_ stop -t 1 stopped
	wait_for_profile stopped
	assert_probe_recorded stopped
	assert_no_leftovers
}

@test "SIGTERM to the tracing child writes what it has and ends it; the container runs on" {
	start_long_container termed
	kill -TERM "$(tracing_children)"
	wait_for_profile termed
	wait_for_no_tracing_child
	assert_probe_recorded termed
	[ "$(podman_ inspect -f '{{.State.Running}}' termed)" = true ]
	grep -q "signal 15: writing what was recorded" "$HOOK_LOG"
	[ "$(jq -r .endedBy "$PROFILES/termed.report.json")" = "signal 15" ]
	podman_ kill termed
	assert_no_leftovers
}

@test "SIGUSR1 writes a snapshot of a container that keeps running" {
	mkdir "$WORK/ctl"
	run_container -d --name snap -v "$WORK/ctl:/ctl" --annotation "$ANNOTATION=of:snap.json" -- \
		/bin/sh -c '/bin/probe record; while [ ! -e /ctl/go ]; do sleep 0.1; done; /bin/probe extra; exec sleep 600'
	wait_for_output snap "child: ioprio_get ok"
	kill -USR1 "$(tracing_children)"
	wait_for_profile snap
	assert_probe_recorded snap
	assert_lacks_syscall snap sched_get_priority_min
	[ "$(jq -r .endedBy "$PROFILES/snap.report.json")" = snapshot ]
	[ -n "$(tracing_children)" ] # still recording

	touch "$WORK/ctl/go"
	wait_for_output snap "main: sched_get_priority_min ok"
	podman_ kill snap
	wait_for_no_tracing_child
	assert_has_syscall snap sched_get_priority_min
	[ "$(jq -r .endedBy "$PROFILES/snap.report.json")" = "init exit" ]
	assert_no_leftovers
}

@test "a BPF load failure stops the container with the reason, and leaves nothing" {
	# The hook run without the capabilities BPF needs: the kernel refuses the load.
	local json=$WORK/hooks/oci-seccomp-recorder.json
	jq '.hook.args = ["setpriv", "--bounding-set", "-bpf,-perfmon,-sys_admin", "--", .hook.path] + .hook.args[1:] |
		.hook.path = "/usr/bin/setpriv"' "$json" >"$json.new"
	mv "$json.new" "$json"
	run record broken /bin/true
	[ "$status" -ne 0 ]
	[[ "$output" == *"load BPF recorder: Operation not permitted"* ]]
	assert_no_leftovers
	[ ! -e "$PROFILES/broken.json" ]
}

@test "--verbose logs libbpf's debug output, each of its lines on its own" {
	install_hook '["--verbose", "--btf-cache", ""]'
	run record verbose /bin/probe record
	[ "$status" -eq 0 ]
	wait_for_profile verbose
	[ "$(grep -c ' debug: libbpf: ' "$HOOK_LOG")" -gt 20 ]
	grep -q " debug: libbpf: loading kernel BTF '/sys/kernel/btf/vmlinux'" "$HOOK_LOG"
	# libbpf hands over several lines at once (a verifier log): never one log line.
	run -1 grep -q 'libbpf: .*\\x0a' "$HOOK_LOG"
	assert_no_leftovers
}

@test "a tracing child that does not start in time is killed, and the container does not start" {
	install_hook '["--timeout", "0.001"]'
	run record slow /bin/echo should-not-run
	[ "$status" -ne 0 ]
	[[ "$output" == *"tracing child did not start recording within 1 ms"* ]]
	[[ "$output" != *should-not-run* ]]
	assert_no_leftovers
	[ ! -e "$PROFILES/slow.json" ]
}

@test "a container its runtime fails to start leaves a good profile of the same name alone" {
	run record good /bin/probe record
	[ "$status" -eq 0 ]
	wait_for_profile good
	cp "$PROFILES/good.json" "$WORK/good.before"
	# A command that does not exist, and an rlimit runc cannot set: runc's
	# prctl has started the recording, its exec of the process never comes.
	run record good /bin/no-such-command
	[ "$status" -ne 0 ]
	run run_container --rm --ulimit nofile=1048577:1048577 --annotation "$ANNOTATION=of:good.json" -- /bin/true
	[ "$status" -ne 0 ]
	wait_for_no_tracing_child
	cmp "$PROFILES/good.json" "$WORK/good.before"
	[ "$(grep -c "exited before its runtime exec'd the container's process (the runtime failed to start it): no profile written to $PROFILES/good.json" "$HOOK_LOG")" = 2 ]
	assert_no_leftovers
}

@test "a full disk at the final write leaves no partial file; the profile is saved elsewhere and the log names it" {
	mkdir -m 0700 "$PROFILES"
	mount -t tmpfs -o size=4k,mode=0700 tmpfs "$PROFILES"
	head -c 4096 /dev/zero >"$PROFILES/filler" || true
	run record full /bin/probe record
	[ "$status" -eq 0 ] # the container ran; only its profile could not be written
	wait_for_no_tracing_child
	[ ! -e "$PROFILES/full.json" ]
	[ "$(ls -A "$PROFILES")" = filler ] # no temp file left either
	grep -q "No space left on device; the profile saved as /run/oci-seccomp-recorder-unwritten/[0-9]*-full.json; the recorded syscalls: .*getitimer.*ioprio_get" "$HOOK_LOG"
	saved=$(grep -o "/run/oci-seccomp-recorder-unwritten/[0-9]*-full.json" "$HOOK_LOG")
	jq -e '.syscalls[0].names | index("getitimer") and index("ioprio_get")' "$saved"
	rm -f "$saved"
	assert_no_leftovers
}
