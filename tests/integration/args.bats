#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
# Argument rules: with --arg-rules (or args:on), socket, clone, unshare,
# setns, personality, prctl, ioctl, mmap and mprotect are allowed only with
# the argument values recorded.

bats_require_minimum_version 1.5.0
load helpers

setup_file() { probe_runtime; }
setup() { setup_recorder; }
teardown() { teardown_recorder; }

# With these, the runtime refuses none of the probe's other values: only the
# profile can.
CAPS=(--cap-add SYS_ADMIN --cap-add NET_RAW)
# Values the probe's "args" run does not use (probe.c).
OTHER_VALUES=(netlink raw linux32 newuts unshare-uts timerslack fionread wx mprotect-x)

# record_args NAME [ANNOTATION OPTIONS]: probe args, unconfined, into NAME.json.
record_args() {
	run_container --rm --security-opt seccomp=unconfined "${CAPS[@]}" \
		--annotation "$ANNOTATION=of:$1.json${2:-}" -- /bin/probe args
}

# The argument conditions of NAME's rules in PROFILE, one JSON line each.
rules_of() {
	jq -c --arg n "$2" '[.syscalls[] | select(.names | index($n)) | {action, args: [.args[]? | [.index, .value, .valueTwo, .op]], errnoRet}]' "$PROFILES/$1.json"
}

@test "--arg-rules: the program runs the same; other socket families, personas, namespaces, prctl options, ioctls and W^X breaks get EPERM" {
	install_hook '["--arg-rules", "--seccompprofile"]'
	run record_args args
	[ "$status" -eq 0 ]
	recorded=$output
	[[ "$recorded" == *"main: socket AF_INET SOCK_STREAM ok"* ]]
	[[ "$recorded" == *"thread: sched_get_priority_max ok"* ]]
	wait_for_profile args

	# AF_INET=2 SOCK_STREAM=1, AF_UNIX=1 SOCK_DGRAM=2; the thread's clone3
	# is answered ENOSYS; clone allows no new namespace.
	[ "$(rules_of args socket)" = '[{"action":"SCMP_ACT_ALLOW","args":[[0,4294967295,1,"SCMP_CMP_MASKED_EQ"],[1,15,2,"SCMP_CMP_MASKED_EQ"]],"errnoRet":null},{"action":"SCMP_ACT_ALLOW","args":[[0,4294967295,2,"SCMP_CMP_MASKED_EQ"],[1,15,1,"SCMP_CMP_MASKED_EQ"]],"errnoRet":null}]' ]
	[ "$(rules_of args clone)" = '[{"action":"SCMP_ACT_ALLOW","args":[[0,2114060288,0,"SCMP_CMP_MASKED_EQ"]],"errnoRet":null}]' ]
	[ "$(rules_of args clone3)" = '[{"action":"SCMP_ACT_ERRNO","args":[],"errnoRet":38}]' ]
	[ "$(rules_of args unshare)" = '[{"action":"SCMP_ACT_ALLOW","args":[[0,2114060416,0,"SCMP_CMP_MASKED_EQ"]],"errnoRet":null}]' ]
	jq -e '[.syscalls[] | select(.names | index("personality")) | .args[0].valueTwo] | index(4294967295) != null' "$PROFILES/args.json"
	jq -e '[.syscalls[] | select(.names | index("prctl")) | .args[0].valueTwo] | index(3) != null' "$PROFILES/args.json" # PR_GET_DUMPABLE
	[ "$(jq -r '[.syscalls[] | select(.names | index("socket")) | .comment] | join(", ")' "$PROFILES/args.json")" = "AF_UNIX SOCK_DGRAM, AF_INET SOCK_STREAM" ]

	# Unconfined, with the capabilities, every other value works...
	for call in "${OTHER_VALUES[@]}"; do
		run run_container --rm --security-opt seccomp=unconfined "${CAPS[@]}" -- /bin/probe argcall "$call"
		[ "$status" -eq 0 ]
		[[ "$output" == *" ok" ]] || { echo "unconfined $call: $output"; return 1; }
	done
	# ...under the profile the program runs as recorded, several times...
	for _ in 1 2 3; do
		run run_container --rm --security-opt "seccomp=$PROFILES/args.json" "${CAPS[@]}" -- /bin/probe args
		[ "$status" -eq 0 ]
		[ "$output" = "$recorded" ]
	done
	# ...and the other values are refused.
	for call in "${OTHER_VALUES[@]}"; do
		run run_container --rm --security-opt "seccomp=$PROFILES/args.json" "${CAPS[@]}" -- /bin/probe argcall "$call"
		[ "$status" -eq 0 ]
		[[ "$output" == *" Operation not permitted" ]] || { echo "under the profile, $call: $output"; return 1; }
	done
	grep -q "by argument rules (clone clone3 ioctl mmap mprotect personality prctl socket unshare)" "$HOOK_LOG"
	# The Security Profiles Operator's resource carries them.
	"$BATS_TEST_DIRNAME/validate.py" seccompprofile "$PROFILES/args.seccompprofile.yaml"
	grep -q 'errnoRet: "38"' "$PROFILES/args.seccompprofile.yaml"
	# (one rule per distinct condition, naming every syscall it applies to)
	[ "$(grep -c 'op: "SCMP_CMP_MASKED_EQ"' "$PROFILES/args.seccompprofile.yaml")" = \
		"$(jq '[.syscalls[] | select(.args | length > 0) | .args] | unique | map(length) | add' "$PROFILES/args.json")" ]
}

@test "without --arg-rules the profile is names only" {
	run record_args names
	[ "$status" -eq 0 ]
	wait_for_profile names
	jq -e '[.syscalls[] | select((.args // []) != [])] == []' "$PROFILES/names.json"
	jq -e '[.syscalls[] | select(.action == "SCMP_ACT_ALLOW") | .names[]] | index("socket") and index("clone3") and index("personality")' "$PROFILES/names.json"
	run -0 run_container --rm --security-opt "seccomp=$PROFILES/names.json" "${CAPS[@]}" -- /bin/probe argcall netlink
	[[ "$output" == *"socket AF_NETLINK ok" ]]
}

@test "args:on and args:off in the annotation decide for their container" {
	run record_args on ";args:on"
	[ "$status" -eq 0 ]
	wait_for_profile on
	[ "$(jq '[.syscalls[] | select(.names | index("socket"))] | length' "$PROFILES/on.json")" = 2 ]

	install_hook '["--arg-rules"]'
	run record_args off ";args:off"
	[ "$status" -eq 0 ]
	wait_for_profile off
	jq -e '[.syscalls[] | select((.args // []) != [])] == []' "$PROFILES/off.json"
}

@test "argument rules with if: keep the input's rules for what it decides" {
	# The input allows personality unconditionally and blocks unshare: both
	# stay so; socket, which it does not name, gets the recorded families.
	mkdir -p "$PROFILES"
	cat >"$PROFILES/base.json" <<-'EOF'
		{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [
		  {"names": ["personality"], "action": "SCMP_ACT_ALLOW"},
		  {"names": ["unshare"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1}]}
	EOF
	install_hook '["--arg-rules"]'
	run record_args extended ";if:base.json"
	[ "$status" -eq 0 ]
	wait_for_profile extended
	[ "$(rules_of extended personality)" = '[{"action":"SCMP_ACT_ALLOW","args":[],"errnoRet":null}]' ]
	[ "$(rules_of extended unshare)" = '[{"action":"SCMP_ACT_ERRNO","args":[],"errnoRet":1}]' ]
	[ "$(jq '[.syscalls[] | select(.names | index("socket")) | .args | length] | unique' "$PROFILES/extended.json")" = "[
  2
]" ]
	run -0 run_container --rm --security-opt "seccomp=$PROFILES/extended.json" "${CAPS[@]}" -- /bin/probe argcall linux32
	[[ "$output" == *"personality PER_LINUX32 ok" ]]
}

@test "merge of two argument-rule profiles allows either's values; diff shows the new rule" {
	install_hook '["--arg-rules"]'
	run record_args one
	[ "$status" -eq 0 ]
	wait_for_profile one
	run run_container --rm --security-opt seccomp=unconfined "${CAPS[@]}" \
		--annotation "$ANNOTATION=of:two.json" -- /bin/sh -c '/bin/probe args; /bin/probe argcall netlink'
	[ "$status" -eq 0 ]
	wait_for_profile two
	run "$HOOK_BINARY" diff "$PROFILES/one.json" "$PROFILES/two.json"
	[ "$status" -eq 1 ]
	[[ "$output" == *'+ socket [{"action":"SCMP_ACT_ALLOW","args":[{"index":0,"op":"SCMP_CMP_MASKED_EQ","value":4294967295,"valueTwo":16},{"index":1,"op":"SCMP_CMP_MASKED_EQ","value":15,"valueTwo":3}]}]'* ]]
	"$HOOK_BINARY" merge --output "$PROFILES/both.json" "$PROFILES/one.json" "$PROFILES/two.json"
	run run_container --rm --security-opt "seccomp=$PROFILES/both.json" "${CAPS[@]}" -- /bin/sh -c '/bin/probe args; /bin/probe argcall netlink; /bin/probe argcall raw'
	[ "$status" -eq 0 ]
	[[ "$output" == *"socket AF_NETLINK ok"* ]]
	[[ "$output" == *"socket AF_INET SOCK_RAW Operation not permitted"* ]]
	[[ "$output" == *"thread: sched_get_priority_max ok"* ]]
}

@test "a later recording in a freed slot gets none of an earlier one's argument values" {
	install_hook '["--arg-rules"]'
	# The keeper holds the program, so the slot is freed, not unloaded, and
	# the next recording gets it again.
	run_container -d --name keeper --annotation "$ANNOTATION=of:keeper.json" -- /bin/sleep 600
	run record_args first
	[ "$status" -eq 0 ]
	wait_for_profile first
	jq -e '[.syscalls[] | select(.names == ["socket"])] | length == 2' "$PROFILES/first.json"
	run run_container --rm --security-opt seccomp=unconfined --annotation "$ANNOTATION=of:second.json" -- /bin/true
	[ "$status" -eq 0 ]
	wait_for_profile second
	jq -e '[.syscalls[] | select(.names == ["socket"] or .names == ["personality"] or .names == ["unshare"])] == []' "$PROFILES/second.json"
	podman_ rm -f -t 0 keeper >/dev/null
	assert_no_leftovers
}
