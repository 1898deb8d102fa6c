#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
# Seeing and controlling what runs on the node: status, stop and cleanup on
# real recordings.

bats_require_minimum_version 1.5.0
load helpers

setup_file() { probe_runtime; }
setup() { setup_recorder; }
teardown() { teardown_recorder; }

# A container recorded into NAME.json that runs until stopped.
start_recorded() {
	run_container -d --name "$1" --annotation "$ANNOTATION=of:$1.json" -- /bin/sleep 600 >/dev/null
}

status_json() {
	"$HOOK_BINARY" status --json
}

id_of() {
	podman_ inspect --format '{{.Id}}' "$1"
}

@test "status: none, then each recording with its container, pid, profile and tracing child" {
	run "$HOOK_BINARY" status
	[ "$status" -eq 0 ]
	[ "$output" = "no recordings on this node" ]
	[ "$(status_json)" = "[]" ]

	start_recorded one
	start_recorded two
	wait_until 10 sh -c "[ \"\$('$HOOK_BINARY' status --json | jq 'map(select(.container != null)) | length')\" = 2 ]"
	for name in one two; do
		id=$(id_of "$name")
		pid=$(podman_ inspect --format '{{.State.Pid}}' "$name")
		status_json | jq -e --arg id "$id" --argjson pid "$pid" --arg profile "$PROFILES/$name.json" \
			'.[] | select(.container == $id) | .pid == $pid and .profile == $profile and .syscalls > 0 and
			 .tracer.alive and (.started | test("^[0-9-]+T[0-9:.]+Z$"))'
	done
	run "$HOOK_BINARY" status
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" = 3 ]
	[[ "${lines[0]}" == CONTAINER* ]]
	[[ "$output" == *"${id:0:12}"*"running"*"$PROFILES/two.json"* ]]
}

@test "stop ID writes that container's profile now and ends its recording only; the container runs on" {
	start_recorded one
	start_recorded two
	wait_until 10 sh -c "[ \"\$('$HOOK_BINARY' status --json | jq 'map(select(.container != null)) | length')\" = 2 ]"
	one=$(id_of one)
	run "$HOOK_BINARY" stop "${one:0:12}"
	[ "$status" -eq 0 ]
	[ "$output" = "stopped $one ($PROFILES/one.json)" ]
	# Written before stop returned.
	[ -f "$PROFILES/one.json" ]
	assert_has_syscall one nanosleep
	[ "$(jq -r .endedBy "$PROFILES/one.report.json")" = "signal 15" ]
	[ "$(status_json | jq -r '.[].container')" = "$(id_of two)" ]
	[ "$(podman_ inspect --format '{{.State.Running}}' one)" = true ]
	[ ! -f "$PROFILES/two.json" ]

	run "$HOOK_BINARY" stop --all
	[ "$status" -eq 0 ]
	[ "$output" = "stopped $(id_of two) ($PROFILES/two.json)" ]
	[ -f "$PROFILES/two.json" ]
	podman_ rm -f -t 0 one two >/dev/null
	assert_no_leftovers
}

@test "stop refuses an unknown or ambiguous id in one line" {
	run "$HOOK_BINARY" stop nosuchcontainer
	[ "$status" -eq 1 ]
	[ "${#lines[@]}" = 1 ]
	[[ "$output" == *"no recording of container 'nosuchcontainer' on this node"* ]]
	start_recorded one
	start_recorded two
	wait_until 10 sh -c "[ \"\$('$HOOK_BINARY' status --json | jq 'map(select(.container != null)) | length')\" = 2 ]"
	run "$HOOK_BINARY" stop ""
	[ "$status" -eq 1 ]
	[[ "$output" == *"no recording of container ''"* ]]
	run "$HOOK_BINARY" stop --all extra
	[ "$status" -eq 1 ]
	[[ "$output" == *"unexpected argument 'extra'"* ]]
	run "$HOOK_BINARY" status --bogus
	[ "$status" -eq 1 ]
	[ "${#lines[@]}" = 1 ]
}

@test "a tracing child killed with SIGKILL shows as gone; cleanup frees its slot and nothing of ours is left" {
	start_recorded orphan
	wait_until 10 sh -c "[ \"\$('$HOOK_BINARY' status --json | jq 'map(select(.container != null)) | length')\" = 1 ]"
	child=$(status_json | jq -r '.[0].tracer.pid')
	kill -KILL "$child"
	wait_until 5 sh -c "! kill -0 $child 2>/dev/null || grep -qs '^State:.*Z' /proc/$child/status"
	status_json | jq -e '.[0].tracer.alive == false'
	run -0 "$HOOK_BINARY" status
	[[ "$output" == *"$child gone"* ]]
	run "$HOOK_BINARY" cleanup
	[ "$status" -eq 0 ]
	# (its log lines go to stderr too)
	[[ "$output" == *"freeing the slot of tracing child $child, which is gone"* ]]
	[ "${lines[-1]}" = "freed 1 recording slot(s) of tracing children that are gone" ]
	[ "$(status_json)" = "[]" ]
	assert_no_leftovers
	run -0 "$HOOK_BINARY" cleanup
	[ "$output" = "nothing to clean up" ]
	podman_ rm -f -t 0 orphan >/dev/null
}
