#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
# shellcheck disable=SC2154 # stderr and stderr_lines: set by bats' run --separate-stderr
# merge, diff and SeccompProfile output, run as a CI pipeline would run them
# on profiles collected from nodes.

bats_require_minimum_version 1.5.0 # run --separate-stderr
load helpers

VALIDATE=$BATS_TEST_DIRNAME/validate.py

setup() {
	WORK=$(mktemp -d "${BATS_RUN_TMPDIR:-/tmp}/profiles-it.XXXXXX")
	cd "$WORK" || return
	# As a recording writes them, and as an older tool or a person might.
	jq -n '{defaultAction: "SCMP_ACT_ERRNO", defaultErrnoRet: 1, architectures: ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86"],
		syscalls: [{names: ["read", "write", "uselib"], action: "SCMP_ACT_ALLOW", args: [], comment: "", includes: {}, excludes: {}}]}' >node1.json
	jq -n '{defaultAction: "SCMP_ACT_ERRNO", architectures: ["SCMP_ARCH_X86_64"],
		syscalls: [{names: ["openat"], action: "SCMP_ACT_ALLOW"}, {name: "read", action: "SCMP_ACT_ALLOW", comment: "reads"}]}' >node2.json
	jq -n '{defaultAction: "SCMP_ACT_KILL_PROCESS", syscalls: [{names: ["read"], action: "SCMP_ACT_ALLOW"}]}' >kill.json
}

teardown() {
	cd /
	rm -rf "$WORK"
}

@test "merge writes the sorted union, the same bytes whatever the order" {
	run --separate-stderr "$HOOK_BINARY" merge node1.json node2.json
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	echo "$output" >merged.json
	[ "$(jq -c '.syscalls[0].names' merged.json)" = '["openat","read","uselib","write"]' ]
	[ "$(jq -c '.architectures' merged.json)" = '["SCMP_ARCH_X86","SCMP_ARCH_X86_64"]' ]
	[ "$(jq -r '.defaultAction, .defaultErrnoRet' merged.json | tr '\n' ' ')" = "SCMP_ACT_ERRNO 1 " ]
	"$HOOK_BINARY" merge node2.json node1.json node2.json >again.json
	cmp merged.json again.json
	# A merged profile is a profile: it merges and reads back unchanged.
	"$HOOK_BINARY" merge merged.json >once-more.json
	cmp merged.json once-more.json
}

@test "merge --output replaces the file atomically and leaves it alone on error" {
	echo old >out.json
	"$HOOK_BINARY" merge --output out.json node1.json node2.json
	[ "$(jq -c '.syscalls[0].names | length' out.json)" = 4 ]
	cp out.json before.json
	run --separate-stderr "$HOOK_BINARY" merge -o out.json node1.json kill.json
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"profiles with different default actions cannot be merged" ]]
	cmp out.json before.json
	[ -z "$(find . -name '.oci-seccomp-recorder.*')" ] # no temp file left
}

@test "merge refuses profiles of different default actions with one line" {
	run --separate-stderr "$HOOK_BINARY" merge node1.json kill.json
	echo "status=$status stderr=$stderr"
	[ "$status" -eq 1 ]
	[ -z "$output" ]
	[ "${#stderr_lines[@]}" -eq 1 ]
	[[ "$stderr" == *"kill.json has defaultAction SCMP_ACT_KILL_PROCESS, the profiles before it SCMP_ACT_ERRNO: profiles with different default actions cannot be merged" ]]
}

@test "merge refuses what is not a profile, naming the file" {
	for bad in 'not json' '[]' '{"syscalls":[]}' '{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":["x"]}]}'; do
		echo "$bad" >bad.json
		run --separate-stderr "$HOOK_BINARY" merge node1.json bad.json
		echo "input=$bad status=$status stderr=$stderr"
		[ "$status" -eq 1 ]
		[ "${#stderr_lines[@]}" -eq 1 ]
		[[ "$stderr" == "oci-seccomp-recorder merge: bad.json"* ]]
	done
	nested deep.json
	for command in merge:1 diff:2; do
		run --separate-stderr "$HOOK_BINARY" "${command%:*}" node1.json deep.json
		[ "$status" -eq "${command#*:}" ] # not 139: no crash
		[ "${#stderr_lines[@]}" -eq 1 ]
		[[ "$stderr" == *"deep.json nests deeper than 64 levels" ]]
	done
	head -c $((64 * 1024 * 1024 + 1)) /dev/zero | tr '\0' ' ' >huge.json
	run --separate-stderr "$HOOK_BINARY" merge huge.json
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"huge.json is larger than 67108864 bytes" ]]
	run --separate-stderr "$HOOK_BINARY" merge missing.json
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"open missing.json: No such file or directory" ]]
	run --separate-stderr "$HOOK_BINARY" merge
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"oci-seccomp-recorder merge: PROFILE is required" ]]
}

@test "diff shows added and removed syscalls; exit 0 same, 1 different, 2 error" {
	run --separate-stderr "$HOOK_BINARY" diff node1.json node2.json
	[ "$status" -eq 1 ]
	# (no defaultErrnoRet is EPERM, 1, for SCMP_ACT_ERRNO: not a difference)
	[ "$output" = "$(printf '%s\n' '- architecture SCMP_ARCH_X86' '+ openat' '- uselib' '- write')" ]
	# Formatting, order and comments alone are no difference.
	jq '.syscalls |= reverse | .architectures |= reverse' node1.json >reordered.json
	run "$HOOK_BINARY" diff node1.json reordered.json
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	run --separate-stderr "$HOOK_BINARY" diff node1.json missing.json
	[ "$status" -eq 2 ]
	[ "${#stderr_lines[@]}" -eq 1 ]
}

@test "merge and diff of profiles with rules that block: blocked stays blocked, never allowed by another" {
	jq -n '{defaultAction: "SCMP_ACT_ERRNO", syscalls: [{names: ["mkdir"], action: "SCMP_ACT_ERRNO", errnoRet: 13}, {names: ["read"], action: "SCMP_ACT_ALLOW"}]}' >blocked.json
	jq -n '{defaultAction: "SCMP_ACT_ERRNO", syscalls: [{names: ["write"], action: "SCMP_ACT_ALLOW"}]}' >other.json
	jq -n '{defaultAction: "SCMP_ACT_ERRNO", syscalls: [{names: ["mkdir", "read"], action: "SCMP_ACT_ALLOW"}]}' >allowed.json
	"$HOOK_BINARY" merge blocked.json other.json blocked.json >merged.json
	[ "$(jq -c '[.syscalls[] | {names, action, errnoRet}]' merged.json)" = \
		'[{"names":["read","write"],"action":"SCMP_ACT_ALLOW","errnoRet":null},{"names":["mkdir"],"action":"SCMP_ACT_ERRNO","errnoRet":13}]' ]
	run --separate-stderr "$HOOK_BINARY" merge blocked.json allowed.json
	[ "$status" -eq 1 ]
	[ "${#stderr_lines[@]}" -eq 1 ]
	[[ "$stderr" == *'allowed.json gives mkdir {"action":"SCMP_ACT_ALLOW"}, the profiles before it {"action":"SCMP_ACT_ERRNO","errnoRet":13}: a syscall that one profile does not allow must be decided alike by all' ]]
	run "$HOOK_BINARY" diff blocked.json allowed.json
	[ "$status" -eq 1 ]
	[ "$output" = "$(printf '%s\n' '+ mkdir' '- mkdir [{"action":"SCMP_ACT_ERRNO","errnoRet":13}]')" ]
}

@test "merge keeps podman's default profile whole: archMap, errno, conditions" {
	"$HOOK_BINARY" merge /usr/share/containers/seccomp.json /usr/share/containers/seccomp.json >merged.json
	jq -e 'has("architectures") | not' merged.json # podman refuses architectures beside archMap
	[ "$(jq -c '.archMap, .defaultErrnoRet' merged.json)" = "$(jq -c '.archMap, .defaultErrnoRet' /usr/share/containers/seccomp.json)" ]
	run "$HOOK_BINARY" diff /usr/share/containers/seccomp.json merged.json
	[ "$status" -eq 0 ]
	[ -z "$output" ]
}

@test "merge --seccompprofile writes a resource the SeccompProfile CRD accepts" {
	"$HOOK_BINARY" merge --seccompprofile web-app node1.json node2.json >web-app.yaml
	"$VALIDATE" seccompprofile web-app.yaml
	[ "$(/usr/bin/python3 -c 'import sys, yaml; d = yaml.safe_load(open(sys.argv[1])); print(d["metadata"]["name"], len(d["spec"]["syscalls"][0]["names"]))' web-app.yaml)" = "web-app 4" ]
	run --separate-stderr "$HOOK_BINARY" merge --seccompprofile Web_App node1.json
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"'Web_App' is not a resource name"*"'web-app' would be" ]]
}

@test "the schema check catches a resource the CRD would refuse" {
	"$HOOK_BINARY" merge --seccompprofile web node1.json >good.yaml
	sed 's/defaultAction: .*/defaultAction: "SCMP_ACT_BOGUS"/' good.yaml >bad.yaml
	run "$VALIDATE" seccompprofile bad.yaml
	[ "$status" -eq 1 ]
	[[ "$output" == *"spec.defaultAction"* ]]
}
