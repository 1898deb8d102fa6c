#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
# shellcheck disable=SC2154 # stderr and stderr_lines: set by bats' run --separate-stderr
# containerd, which reads no hooks.d, through the runc wrapper: ctr run with
# --runc-binary, and the Kubernetes path through containerd's CRI API (a pod
# sandbox and its containers, as kubelet creates them) with the runtime
# handler the package ships. The real runtime is $RUNTIME.

bats_require_minimum_version 1.5.0 # run --separate-stderr, run -N
load helpers
load containerd

setup_file() { probe_containerd; }
setup() {
	setup_recorder
	start_containerd
}
teardown() {
	stop_containerd
	teardown_recorder
}

# ctr_run [ctr run options...] -- ID COMMAND...: a container of the test's
# rootfs through the wrapper, its runc state under the test's tree.
ctr_run() {
	split_options "$@"
	ctr_ run --runc-binary "$WRAPPER_BINARY" --runc-root "$CTD/runc" "${OPTS[@]}" --rootfs "$ROOTFS" "${REST[@]}"
}

# The bundle containerd made for a ctr container.
bundle_config() {
	echo "$CTD/state/io.containerd.runtime.v2.task/default/$1/config.json"
}

# Deletes a task once it has exited.
task_deleted() {
	ctr_ tasks delete "$1" >/dev/null 2>&1
}

has_our_hook() {
	jq -e --arg hook "$HOOK_BINARY" '[.hooks // {} | .[][] | select(.path == $hook)] | length > 0' "$1" >/dev/null
}

@test "ctr run: the plain key records the container, not runc's set-up; the profile replays it" {
	run ctr_run --rm --annotation "$ANNOTATION=of:ctr.json" -- c1 /bin/probe record
	[ "$status" -eq 0 ]
	recorded=$output
	wait_for_profile ctr
	assert_has_syscall ctr getitimer              # main thread
	assert_has_syscall ctr sched_get_priority_max # second thread
	assert_has_syscall ctr ioprio_get             # forked child
	assert_has_syscall ctr execve
	assert_lacks_syscall ctr pivot_root
	assert_lacks_syscall ctr sethostname
	# The same workload under the profile, by podman: the same output.
	run run_container --rm --security-opt "seccomp=$PROFILES/ctr.json" -- /bin/probe record
	[ "$status" -eq 0 ]
	[ "$output" = "$recorded" ]
}

@test "ctr run: argument rules (args:on) record through the wrapper, and runc under containerd enforces them" {
	run ctr_run --rm --cap-add CAP_SYS_ADMIN --annotation "$ANNOTATION=of:args.json;args:on" -- c1 /bin/probe args
	[ "$status" -eq 0 ]
	recorded=$output
	wait_for_profile args
	jq -e '[.syscalls[] | select(.names == ["socket"]) | .args | length] == [2, 2]' "$PROFILES/args.json"
	# containerd hands the profile to the runtime as it is.
	run ctr_run --rm --cap-add CAP_SYS_ADMIN --seccomp --seccomp-profile "$PROFILES/args.json" -- c2 /bin/probe args
	[ "$status" -eq 0 ]
	[ "$output" = "$recorded" ]
	for call in netlink newuts linux32; do
		run -0 ctr_run --rm --cap-add CAP_SYS_ADMIN --seccomp --seccomp-profile "$PROFILES/args.json" -- c3 /bin/probe argcall "$call"
		[[ "$output" == *" Operation not permitted" ]] || { echo "$call: $output"; return 1; }
		run -0 ctr_run --rm --cap-add CAP_SYS_ADMIN -- c3 /bin/probe argcall "$call"
		[[ "$output" == *" ok" ]] || { echo "unconfined $call: $output"; return 1; }
	done
}

@test "ctr run: CRI annotations pick the key naming the container; a sandbox and an unannotated container are left alone" {
	run ctr_run --rm --annotation io.kubernetes.cri.container-name=web \
		--annotation "$ANNOTATION/web=of:web.json" --annotation "$ANNOTATION/db=of:db.json" -- c2 /bin/probe call getsid
	[ "$status" -eq 0 ]
	wait_for_profile web
	assert_has_syscall web getsid

	ctr_run -d --annotation io.kubernetes.cri.container-type=sandbox --annotation "$ANNOTATION=of:sandbox.json" -- \
		sandbox /bin/sleep 600
	ctr_run -d -- plain /bin/sleep 600
	run ! has_our_hook "$(bundle_config sandbox)"
	# The unannotated bundle is the spec containerd made, untouched.
	ctr_ containers info plain | jq -S .Spec >"$WORK/spec.json"
	jq -S . "$(bundle_config plain)" | diff - "$WORK/spec.json"
	run -1 grep -q '"hooks"' "$(bundle_config plain)"
	for c in sandbox plain; do
		ctr_ tasks kill -s KILL "$c"
		wait_until 10 task_deleted "$c"
	done
	[ ! -e "$PROFILES/db.json" ]
	[ ! -e "$PROFILES/sandbox.json" ]
	[ "$(grep -c 'recording into' "$HOOK_LOG")" = 1 ]
}

# run_pod NAMESPACE NAME ANNOTATIONS_JSON CONTAINER:COMMAND...: a pod through
# the CRI, as kubelet runs it, with the shipped handler; COMMAND is the
# container's argv, in words.
run_pod() {
	local ns=$1 name=$2 annotations=$3
	shift 3
	[ -e "$WORK/images-imported" ] || { import_image pause /bin/sleep 1000000 && import_image app && touch "$WORK/images-imported"; }
	local containers=() c
	for c in "$@"; do
		# shellcheck disable=SC2086 # the command's words
		containers+=("$(jq -cn --arg name "${c%%:*}" '{name: $name, image: "localhost/app:test", command: $ARGS.positional}' --args ${c#*:})")
	done
	jq -n --arg ns "$ns" --arg name "$name" --arg logs "$WORK/pods" --argjson annotations "$annotations" \
		'{name: $name, namespace: $ns, handler: "seccomp-recorder", log_dir: $logs, annotations: $annotations,
		  containers: $ARGS.positional | map(fromjson)}' --args "${containers[@]}" >"$WORK/$name.pod.json"
	run /usr/bin/python3 "$BATS_TEST_DIRNAME/cri/pod.py" "$CTD/containerd.sock" "$WORK/$name.pod.json"
	echo "$output"
}

@test "CRI: a pod run as kubelet runs it, through the shipped handler: each container its own profile, never the sandbox" {
	run_pod team-a recorded '{"io.containers.trace-syscall": "of:pod.json",
		"io.containers.trace-syscall/web": "of:web.json", "io.containers.trace-syscall/worker": "of:worker.json"}' \
		"web:/bin/probe call getsid" "worker:/bin/probe call getpgid" "other:/bin/probe call sysinfo"
	[ "$status" -eq 0 ]
	[ "$(grep -c '^container .* exit 0$' <<<"$output")" = 3 ]
	sandbox=$(awk '$1 == "sandbox" { print $2 }' <<<"$output")
	# In the pod's namespace's own directory.
	PROFILES=$PROFILES/team-a
	for name in web worker pod; do wait_for_profile "$name"; done
	assert_has_syscall web getsid
	assert_lacks_syscall web getpgid
	assert_lacks_syscall web sysinfo
	assert_has_syscall worker getpgid
	assert_lacks_syscall worker getsid
	assert_has_syscall pod sysinfo # "other": no key names it, so the pod-wide one
	assert_lacks_syscall pod getsid
	# Three containers recorded, and nothing else: not the sandbox, which
	# carries the pod-wide key too.
	[ "$(grep -c 'recording into' "$HOOK_LOG")" = 3 ]
	run -1 grep -q "container $sandbox" "$HOOK_LOG"
	assert_no_leftovers
}

@test "CRI: namespaces are tenants: the same file name is two profiles, and if: cannot reach across" {
	run_pod team-a a '{"io.containers.trace-syscall": "of:app.json"}' "main:/bin/probe call getsid"
	[ "$status" -eq 0 ]
	run_pod team-b b '{"io.containers.trace-syscall": "of:app.json"}' "main:/bin/probe call getpgid"
	[ "$status" -eq 0 ]
	PROFILES=$WORK/profiles/team-a wait_for_profile app
	PROFILES=$WORK/profiles/team-b wait_for_profile app
	PROFILES=$WORK/profiles/team-a assert_has_syscall app getsid
	PROFILES=$WORK/profiles/team-a assert_lacks_syscall app getpgid
	PROFILES=$WORK/profiles/team-b assert_has_syscall app getpgid
	[ ! -e "$WORK/profiles/app.json" ]
	# team-b reaching for team-a's profile: refused, the pod does not start,
	# and team-a's profile is as it was.
	cp "$WORK/profiles/team-a/app.json" "$WORK/team-a.before"
	for reach in "../team-a/app.json" "$WORK/profiles/team-a/app.json"; do
		run_pod team-b poison "{\"io.containers.trace-syscall\": \"if:$reach;of:$reach\"}" "main:/bin/probe call sysinfo"
		[ "$status" -ne 0 ]
		[[ "$output" == *"oci-seccomp-recorder: profile path $reach "*"'..' component"* ||
			"$output" == *"oci-seccomp-recorder: profile path $reach is outside the profile dir $WORK/profiles/team-b"* ]]
	done
	cmp "$WORK/profiles/team-a/app.json" "$WORK/team-a.before"
	assert_no_leftovers
}

@test "CRI: two containers of a pod under the plain key, running at once, end in one profile with both" {
	mkdir -p "$ROOTFS/bin"
	cat >"$ROOTFS/bin/slow-call" <<-'SH'
	#!/bin/sh
	/bin/probe call "$1"
	sleep 1
	SH
	chmod +x "$ROOTFS/bin/slow-call"
	run_pod team-a both '{"io.containers.trace-syscall": "of:shared.json"}' \
		"one:/bin/slow-call getsid" "two:/bin/slow-call getpgid"
	[ "$status" -eq 0 ]
	PROFILES=$PROFILES/team-a
	wait_for_no_tracing_child
	assert_has_syscall shared getsid
	assert_has_syscall shared getpgid
	grep -q "shared.json: merged with what recordings that overlapped this one wrote there" "$HOOK_LOG"
	assert_no_leftovers
}

@test "examples/ci/pipeline.sh with run.sh ctr: the whole loop through containerd and the wrapper" {
	mkdir "$WORK/bin"
	ln -s "$HOOK_BINARY" "$WORK/bin/oci-seccomp-recorder"
	cd "$WORK"
	PATH=$WORK/bin:$PATH PROFILE_DIR=$PROFILES SETTLE=2 LAYOUT=$WORK/layout WRAPPER=$WRAPPER_BINARY \
		run -0 "$SOURCE_DIR/examples/ci/pipeline.sh" app -- "$SOURCE_DIR/examples/ci/run.sh" ctr \
		--address "$CTD/containerd.sock" -- --runc-root="$CTD/runc" --rootfs "$ROOTFS" /bin/probe record
	echo "$output"
	[[ "$output" == *"stable: the last 2 runs added nothing"* ]]
	[[ "$output" == *"pipeline: verify run 1: denied {}"* ]]
	[[ "$output" == *"pipeline: $WORK/layout:latest is sha256:"* ]]
	assert_has_syscall app getitimer
	assert_has_syscall app ioprio_get
	# The verify runs ran under the profile: containerd gave runc the filter.
	jq -e '.underSeccomp == true' "$PROFILES/app.report.json"
	jq -e '.underSeccomp == false' "$PROFILES/app-run1.report.json"
}

@test "every other runc call passes through: same output and exit status as the real runtime" {
	ctr_run -d -- svc /bin/sleep 600
	local root=$CTD/runc/default # the shim's runc root, per namespace
	# Timestamps aside, runc's own words.
	same() {
		local ours theirs ours_status=0 theirs_status=0
		ours=$("$WRAPPER_BINARY" --root "$root" "$@" 2>&1) || ours_status=$?
		theirs=$("$RUNTIME" --root "$root" "$@" 2>&1) || theirs_status=$?
		echo "$* -> wrapper $ours_status, $RUNTIME $theirs_status"
		[ "$ours_status" = "$theirs_status" ]
		[ "$(sed 's/time="[^"]*"//' <<<"$ours")" = "$(sed 's/time="[^"]*"//' <<<"$theirs")" ]
	}
	"$RUNTIME" --root "$root" state svc | jq -e '.status == "running"'
	same state svc
	same ps --format json svc # (the table has CPU figures, which change between two calls)
	same exec svc /bin/true
	same exec svc /bin/sh -c 'exit 3'
	same state nosuch
	same delete nosuch
	same no-such-command
	"$WRAPPER_BINARY" --root "$root" kill svc KILL
	wait_until 10 sh -c "$RUNTIME --root '$root' state svc | jq -e '.status == \"stopped\"' >/dev/null"
}

# A runtime of the test's: records its argv, exits 42.
fake_runtime() {
	cat >"$WORK/fake-runc" <<-SH
	#!/bin/sh
	printf '%s\n' "\$@" >"$WORK/fake-runc.argv"
	exit 42
	SH
	chmod +x "$WORK/fake-runc"
}

@test "the wrapper alone: argv and status through, config.json untouched unless asked, one-line refusals" {
	fake_runtime
	mkdir -p "$WORK/bundle" "$WORK/empty-hooks"
	wrap() {
		OCI_SECCOMP_RECORDER_RUNTIME=$WORK/fake-runc OCI_SECCOMP_RECORDER_HOOKS_DIR=${HOOKS:-$WORK/hooks} \
			run --separate-stderr "$WRAPPER_BINARY" "$@"
	}
	# Not asked (and the hooks.d JSON missing, which must not matter).
	printf '{"ociVersion":"1.0.2", "annotations":{"a":"b"}}\n' >"$WORK/bundle/config.json"
	sum=$(sha256sum <"$WORK/bundle/config.json")
	HOOKS=$WORK/empty-hooks wrap --root /r create --bundle "$WORK/bundle" --pid-file /p id
	[ "$status" -eq 42 ]
	[ "$(cat "$WORK/fake-runc.argv")" = "$(printf '%s\n' --root /r create --bundle "$WORK/bundle" --pid-file /p id)" ]
	[ "$(sha256sum <"$WORK/bundle/config.json")" = "$sum" ]
	echo 'not json' >"$WORK/bundle/config.json"
	wrap create --bundle "$WORK/bundle" id
	[ "$status" -eq 42 ] # runc's to refuse

	# Asked: the hook is added, then runc runs.
	printf '{"annotations":{"io.containers.trace-syscall":"of:x.json"}}' >"$WORK/bundle/config.json"
	(cd "$WORK/bundle" && wrap run id)
	[ "$status" -eq 42 ]
	has_our_hook "$WORK/bundle/config.json"

	# Asked and impossible: one line, runc never runs, config.json as it was.
	printf '{"annotations":{"io.containers.trace-syscall":"of:x.json"}}' >"$WORK/bundle/config.json"
	sum=$(sha256sum <"$WORK/bundle/config.json")
	rm "$WORK/fake-runc.argv"
	HOOKS=$WORK/empty-hooks wrap create -b "$WORK/bundle" id
	[ "$status" -eq 1 ]
	[ "${#stderr_lines[@]}" -eq 1 ]
	[ "$stderr" = "oci-seccomp-recorder runc wrapper: no oci-seccomp-recorder.json in $WORK/empty-hooks" ]
	[ ! -e "$WORK/fake-runc.argv" ]
	[ "$(sha256sum <"$WORK/bundle/config.json")" = "$sum" ]
	printf '{"annotations":{"io.containers.trace-syscall":"of:x.json"}' >"$WORK/bundle/config.json"
	wrap create --bundle="$WORK/bundle" id
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"config.json is not a JSON object of at most 64 levels: cannot add the recording hook its annotation asks for" ]]

	# No real runtime to run.
	run -127 --separate-stderr env OCI_SECCOMP_RECORDER_RUNTIME=/nonexistent "$WRAPPER_BINARY" state id
	[ "$status" -eq 127 ]
	[ "$stderr" = "oci-seccomp-recorder runc wrapper: exec /nonexistent: No such file or directory" ]
	mkdir "$WORK/only-wrapper"
	ln -s "$WRAPPER_BINARY" "$WORK/only-wrapper/runc"
	run -127 --separate-stderr env -u OCI_SECCOMP_RECORDER_RUNTIME PATH="$WORK/only-wrapper" "$WORK/only-wrapper/runc" state id
	[ "$status" -eq 127 ]
	[ "$stderr" = "oci-seccomp-recorder runc wrapper: no runc on PATH but this wrapper; set OCI_SECCOMP_RECORDER_RUNTIME" ]
}

@test "through containerd: without our hooks.d JSON an annotated container fails with the reason, others run" {
	mv "$WORK/hooks/oci-seccomp-recorder.json" "$WORK/hooks-json.away"
	run ctr_run --rm --annotation "$ANNOTATION=of:x.json" -- c3 /bin/true
	echo "$output"
	[ "$status" -ne 0 ]
	[[ "$output" == *"oci-seccomp-recorder runc wrapper: no oci-seccomp-recorder.json in $WORK/hooks"* ]]
	run ctr_run --rm -- c4 /bin/probe call getsid
	[ "$status" -eq 0 ]
	[ "$output" = "main: getsid ok" ]
	[ ! -e "$PROFILES/x.json" ]
}
