#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
# shellcheck disable=SC2154 # stderr and stderr_lines: set by bats' run --separate-stderr
# Hostile input: the hook refuses it with one line on stderr and a non-zero
# exit, before any BPF is loaded, and creates or changes no file.

bats_require_minimum_version 1.5.0 # run --separate-stderr
load helpers

setup_file() { probe_root; } # runs the hook itself: no container runtime needed

setup() {
	setup_recorder
	mkdir -m 0700 "$PROFILES"
	mkdir "$WORK/outside"
	echo '{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[]}' >"$WORK/outside/secret.json"
	ln -s "$WORK/outside" "$PROFILES/link-dir"
	ln -s "$WORK/outside/secret.json" "$PROFILES/planted.json"
	mkdir "$PROFILES/subdir.json"
	mkfifo "$PROFILES/fifo.json"
	mknod "$PROFILES/device.json" c 1 3
	echo '{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":["read"],"action":"SCMP_ACT_ALLOW"}]}' >"$PROFILES/base.json"
	start_target
}

teardown() {
	stop_target
	teardown_recorder
}

# refuse STDIN PATTERN [HOOK ARGS...]: the hook exits non-zero with exactly
# one line on stderr matching PATTERN, and leaves no trace.
refuse() {
	local input=$1 pattern=$2
	shift 2
	local before
	before=$(tree_listing)
	run --separate-stderr "$HOOK_BINARY" --profile-dir "$PROFILES" --linger 0 --log-file "$HOOK_LOG" "$@" <<<"$input"
	echo "status=$status stderr=$stderr"
	[ "$status" -ne 0 ]
	[ "${#stderr_lines[@]}" -eq 1 ]
	[[ "${stderr_lines[0]}" =~ $pattern ]]
	[ -z "$output" ] # stdout belongs to the runtime
	[ "$(tree_listing)" = "$before" ]
	assert_no_leftovers
}

refuse_annotation() {
	refuse "$(state_json "$TARGET" "$1")" "$2"
}

@test "of:/if: paths that leave the profile dir are refused" {
	refuse_annotation "of:../escape.json" "'\.\.' component"
	refuse_annotation "of:a/../../escape.json" "'\.\.' component"
	refuse_annotation "of:$WORK/outside/new.json" "outside the profile dir"
	refuse_annotation "of:${PROFILES}-evil/new.json" "outside the profile dir"
	refuse_annotation "of:/etc/new.json" "outside the profile dir"
	refuse_annotation "if:$WORK/outside/secret.json;of:x.json" "outside the profile dir"
	refuse_annotation "if:../outside/secret.json;of:x.json" "'\.\.' component"
}

@test "symlinks are never followed, also ones planted inside the profile dir" {
	refuse_annotation "of:link-dir/new.json" "symlink"
	refuse_annotation "of:planted.json" "is a symlink"
	refuse_annotation "if:planted.json;of:x.json" "symlink"
	refuse_annotation "if:link-dir/secret.json;of:x.json" "symlink"
	[ "$(cat "$WORK/outside/secret.json")" = '{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[]}' ]
	[ ! -e "$WORK/outside/new.json" ]
}

@test "directories, FIFOs, devices and over-long paths are refused" {
	refuse_annotation "of:subdir.json" "is a directory"
	refuse_annotation "of:fifo.json" "is a FIFO"
	refuse_annotation "of:device.json" "is a device"
	refuse_annotation "if:subdir.json;of:x.json" "is a directory"
	refuse_annotation "if:fifo.json;of:x.json" "is a FIFO"
	refuse_annotation "if:device.json;of:x.json" "is a device"
	refuse_annotation "of:$(printf 'n%.0s' $(seq 256)).json" "NAME_MAX"
	refuse_annotation "of:$(printf 'dir/%.0s' $(seq 1100))x.json" "PATH_MAX"
}

@test "input profiles that are not valid seccomp allow-lists are refused" {
	echo 'not json' >"$PROFILES/bad.json"
	refuse_annotation "if:bad.json;of:x.json" "not valid JSON"
	echo '["read"]' >"$PROFILES/bad.json"
	refuse_annotation "if:bad.json;of:x.json" "not a JSON object"
	echo '{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":["read"],"action":"SCMP_ACT_PERHAPS"}]}' >"$PROFILES/bad.json"
	refuse_annotation "if:bad.json;of:x.json" "syscalls\[0\]'s action \"SCMP_ACT_PERHAPS\" is not a seccomp action"
	echo '{"defaultAction":"SCMP_ACT_ALLOW"}' >"$PROFILES/bad.json"
	refuse_annotation "if:bad.json;of:x.json" "not an allow-list"
	echo '{"defaultAction":"SCMP_ACT_LOG","syscalls":[{"names":["read"],"action":"SCMP_ACT_ERRNO"}]}' >"$PROFILES/bad.json"
	refuse_annotation "if:bad.json;of:x.json" "not an allow-list"
	# What a SeccompProfile resource cannot say, refused before recording.
	cp /usr/share/containers/seccomp.json "$PROFILES/podman-default.json"
	refuse "$(state_json "$TARGET" "if:podman-default.json;of:x.json")" \
		"cannot write a SeccompProfile resource: .*no field for" --seccompprofile
	# 400,000 nested brackets: 800 KB, under the size limit; no crash, one line.
	nested "$PROFILES/bad.json"
	refuse_annotation "if:bad.json;of:x.json" "input profile nests deeper than 64 levels"
	head -c $((1024 * 1024 + 1)) /dev/zero | tr '\0' ' ' >"$PROFILES/bad.json"
	refuse_annotation "if:bad.json;of:x.json" "larger than 1048576 bytes"
	refuse_annotation "if:missing.json;of:x.json" "No such file"
}

@test "an annotation cannot forge a log line or name a file outside the safe characters" {
	refuse_annotation $'of:x\n2026-01-01T00:00:00Z [1] error: forged.json' "has a character other than A-Z a-z 0-9 \\. _ -"
	# One line on stderr (refuse checks that), and in the log the newline
	# is \x0a within the one line of the refusal.
	run -1 grep -q '^2026-01-01T00:00:00Z' "$HOOK_LOG"
	grep -q 'profile path x\\x0a2026-01-01T00:00:00Z \[1\] error: forged.json has a character' "$HOOK_LOG"
	refuse_annotation $'of:caf\xc3\xa9.json' "caf\\\\xc3\\\\xa9.json has a character other than"
}

@test "malformed annotations are refused" {
	refuse_annotation "" "empty annotation"
	refuse_annotation "of:" "empty path"
	refuse_annotation "if:base.json" "no of:"
	refuse_annotation "of:a.json;of:b.json" "of: given more than once"
	refuse_annotation "of:a.json;xf:b.json" "unknown key 'xf'"
	refuse_annotation "of:a.json;;" "empty entry"
}

@test "malformed state on stdin is refused" {
	refuse "not json" "not valid JSON"
	refuse '{"id":"x"}' "state has no pid"
	refuse '{"pid":"1"}' "not a positive process id"
	refuse "$(head -c $((2 * 1024 * 1024)) /dev/zero | tr '\0' ' ')" "larger than 1048576 bytes"
}

@test "a pid that is not a live process is refused" {
	sleep 0 &
	local dead=$!
	wait "$dead"
	refuse "$(state_json "$dead" "of:x.json")" "not a live process"
}

@test "a process in the host's PID and mount namespaces is refused" {
	sleep 600 &
	local host_process=$!
	refuse "$(state_json "$host_process" "of:x.json")" "shares its PID and mount namespaces with the host"
	kill "$host_process"
}

@test "bad options are refused" {
	refuse "$(state_json "$TARGET" "of:x.json")" "--timeout: takes seconds between 0 and 3600" --timeout 0
	refuse "$(state_json "$TARGET" "of:x.json")" "--timeout: takes seconds between 0 and 3600" --timeout 1x
	refuse "$(state_json "$TARGET" "of:x.json")" "--btf-cache: takes an absolute path" --btf-cache cache
	refuse "$(state_json "$TARGET" "of:x.json")" "not expected: --bogus" --bogus
	refuse "$(state_json "$TARGET" "of:x.json")" "profile dir relative is not an absolute path" --profile-dir relative
}

@test "a container without the annotation is let through untouched" {
	local before
	before=$(tree_listing)
	run --separate-stderr "$HOOK_BINARY" --profile-dir "$PROFILES" --linger 0 <<<"$(state_json "$TARGET")"
	[ "$status" -eq 0 ]
	[ "$(tree_listing)" = "$before" ]
	assert_no_leftovers
}

@test "a valid request against the same target records (the refusals above were about the input)" {
	run --separate-stderr "$HOOK_BINARY" --profile-dir "$PROFILES" --linger 0 --log-file "$HOOK_LOG" <<<"$(state_json "$TARGET" "if:base.json;of:ok.json")"
	[ "$status" -eq 0 ]
	[ -n "$(tracing_children)" ]
	stop_target
	# No runtime ran a prctl in this namespace, so nothing was recorded and
	# the child says so instead of writing an empty profile.
	assert_no_leftovers
	grep -q "exited before its runtime started it: no profile written" "$HOOK_LOG"
	[ ! -e "$PROFILES/ok.json" ]
}
