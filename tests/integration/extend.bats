#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
# if: as oci-seccomp-bpf-hook defines it: the input profile is kept as it is,
# and what was recorded and the input does not decide is added. Its test
# suite's cases (test/00-simple.bats) are re-enacted here and in record.bats:
#   "Trace and check size of generated profile", "Trace and use generated
#   profile": record.bats, "the container runs again under its profile";
#   "Containers fails to run blocked syscall": record.bats, "a syscall not
#   made while recording fails with EPERM under the profile";
#   "Extend existing seccomp profile", "Syscall blocked in input profile
#   remains blocked in output profile": below.

bats_require_minimum_version 1.5.0
load helpers

setup_file() { probe_runtime; }
setup() {
	setup_recorder
	mkdir -m 0700 "$PROFILES"
}
teardown() { teardown_recorder; }

# under PROFILE COMMAND...: runs COMMAND in a container under PROFILE.json.
under() {
	local profile=$1
	shift
	run_container --rm --security-opt "seccomp=$PROFILES/$profile.json" -- "$@"
}

@test "extend a profile through if: with a second workload; both run under the result" {
	run record first /bin/probe call getsid
	[ "$status" -eq 0 ]
	wait_for_profile first
	run -0 under first /bin/probe call getpgid
	[ "$output" = "main: getpgid Operation not permitted" ]

	run run_container --rm --annotation "$ANNOTATION=if:first.json;of:second.json" -- /bin/probe call getpgid
	[ "$status" -eq 0 ]
	wait_for_profile second
	run -0 under second /bin/probe call getsid
	[ "$output" = "main: getsid ok" ]
	run -0 under second /bin/probe call getpgid
	[ "$output" = "main: getpgid ok" ]
	# The input's rule as it was, then one with what it did not name.
	[ "$(jq -c '.syscalls[0]' "$PROFILES/second.json")" = "$(jq -c '.syscalls[0]' "$PROFILES/first.json")" ]
	# (and whatever runc's Go runtime made this time and not the first: it varies)
	[ "$(jq '.syscalls | length' "$PROFILES/second.json")" = 2 ]
	jq -e '.syscalls[1].names | index("getpgid")' "$PROFILES/second.json"
	[ -z "$(comm -12 <(jq -r '.syscalls[0].names[]' "$PROFILES/first.json") <(jq -r '.syscalls[1].names[]' "$PROFILES/second.json"))" ]
}

@test "a syscall blocked in the input stays blocked though it was recorded, and the log says so" {
	run record free /bin/probe call mkdir
	[ "$status" -eq 0 ]
	wait_for_profile free
	run -0 under free /bin/probe call mkdir
	[ "$output" = "main: mkdir Bad address" ] # allowed: the kernel saw the NULL path

	# The reference hook's test/fixtures/block-mkdir.json.
	echo '{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":["mkdir"],"action":"SCMP_ACT_ERRNO","args":[],"comment":"","includes":{},"excludes":{}}]}' \
		>"$PROFILES/block-mkdir.json"
	run run_container --rm --annotation "$ANNOTATION=if:block-mkdir.json;of:blocked.json" -- /bin/probe call mkdir
	[ "$status" -eq 0 ]
	[ "$output" = "main: mkdir Bad address" ] # recorded, not blocked while recording
	wait_for_profile blocked
	grep -q "blocked.json: the input profile denies these recorded syscalls, and they stay denied: mkdir$" "$HOOK_LOG"
	run under blocked /bin/probe call mkdir
	[ "$status" -eq 0 ]
	[ "$output" = "main: mkdir Operation not permitted" ]
}

@test "podman's default profile as if: kept whole; recorded, replayed, what it denies still denied" {
	local input=/usr/share/containers/seccomp.json
	cp "$input" "$PROFILES/podman-default.json"
	# Unconfined, so that what podman's profile denies reaches the recorder.
	run run_container --rm --security-opt seccomp=unconfined \
		--annotation "$ANNOTATION=if:podman-default.json;of:extended.json" -- \
		/bin/sh -c '/bin/probe record; /bin/probe call sysfs; /bin/probe call acct; /bin/probe call tuxcall'
	[ "$status" -eq 0 ]
	recorded=$output
	[[ "$recorded" == *"main: sysfs Invalid argument"* ]]
	[[ "$recorded" == *"main: acct Operation not permitted"* ]] # no CAP_SYS_PACCT
	wait_for_profile extended
	local out=$PROFILES/extended.json

	# Every setting and rule of the input, in its order; no architectures
	# beside its archMap (podman refuses both).
	[ "$(jq -c 'del(.syscalls)' "$out")" = "$(jq -c 'del(.syscalls)' "$input")" ]
	local n
	n=$(jq '.syscalls | length' "$input")
	[ "$(jq -c ".syscalls[:$n]" "$out")" = "$(jq -c .syscalls "$input")" ]
	# Then one rule, allowing what was recorded and the input does not name.
	[ "$(jq -c ".syscalls[$n:] | map(.action)" "$out")" = '["SCMP_ACT_ALLOW"]' ]
	jq -e ".syscalls[$n].names | index(\"tuxcall\")" "$out"
	for name in $(jq -r ".syscalls[$n].names[]" "$out"); do
		run -1 jq -e --arg n "$name" '[.syscalls[].names[]] | index($n)' "$input"
	done
	grep -q "extended.json: the input profile denies these recorded syscalls, and they stay denied: sysfs$" "$HOOK_LOG"
	# (arch_prctl too: podman's profile allows it on x86 arches only)
	grep -q "extended.json: the input profile allows these recorded syscalls only under its conditions, which they keep:.* acct\( \|$\)" "$HOOK_LOG"

	# Replayed under the result: the workload as recorded...
	run under extended /bin/probe record
	[ "$status" -eq 0 ]
	[[ "$recorded" == "$output"* ]]
	# ...sysfs, which podman's profile denies outright, denied...
	run -0 under extended /bin/probe call sysfs
	[ "$output" = "main: sysfs Operation not permitted" ]
	# ...and acct as podman's profile has it: only with CAP_SYS_PACCT.
	run -0 run_container --rm --cap-add SYS_PACCT --security-opt "seccomp=$out" -- /bin/probe call acct
	[ "$output" = "main: acct ok" ]
	run -0 under extended /bin/probe call acct
	[ "$output" = "main: acct Operation not permitted" ]
}
