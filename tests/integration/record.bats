#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
# The core path: record a real container, get a profile it runs under.

bats_require_minimum_version 1.5.0
load helpers

setup_file() { probe_runtime; }
setup() { setup_recorder; }
teardown() { teardown_recorder; }

@test "main thread, second thread and forked child are all recorded" {
	run record probe /bin/probe record
	[ "$status" -eq 0 ]
	wait_for_profile probe
	assert_has_syscall probe getitimer              # main thread
	assert_has_syscall probe sched_get_priority_max # second thread
	assert_has_syscall probe ioprio_get             # forked child
	assert_has_syscall probe clone                  # how the thread and child came to be
	assert_has_syscall probe execve                 # the runtime's exec of the user's process
	[ "$(jq -r .defaultAction "$PROFILES/probe.json")" = SCMP_ACT_ERRNO ]
	[ "$(stat -c %a "$PROFILES/probe.json")" = 644 ]
}

@test "the runtime's own set-up after prestart is not recorded" {
	# runc makes pivot_root and sethostname after the prestart hooks and
	# before its first prctl (strace -f runc shows both); no container
	# process here makes either.
	run record true /bin/true
	[ "$status" -eq 0 ]
	wait_for_profile true
	assert_lacks_syscall true pivot_root
	assert_lacks_syscall true sethostname
	assert_lacks_syscall true mount
	assert_lacks_syscall true umount2
	assert_has_syscall true prctl
	assert_has_syscall true execve
}

@test "a container in a user namespace of its own is recorded as any other" {
	# As CRI-O runs a pod with hostUsers: false: the runtime makes the
	# container's user namespace with its PID namespace, and the hook runs
	# as root outside both. Its root, uid 100000 here, owns its rootfs and
	# /etc in it, where the runtime mounts hostname and hosts (as in podman's
	# copy of an image), and must reach it.
	chmod o+x "$WORK" "$(dirname "$WORK")"
	cp -a "$ROOTFS" "$WORK/userns-rootfs"
	mkdir "$WORK/userns-rootfs/etc"
	chown -R 100000:100000 "$WORK/userns-rootfs"
	run run_in "$WORK/userns-rootfs" --rm --uidmap 0:100000:65536 --gidmap 0:100000:65536 \
		--annotation "$ANNOTATION=of:userns.json" -- /bin/sh -c 'cat /proc/self/uid_map && exec /bin/probe record'
	[ "$status" -eq 0 ]
	[[ $output =~ ^\ +0\ +100000\ +65536$'\n' ]] # its root is uid 100000 outside
	wait_for_profile userns
	assert_has_syscall userns getitimer              # main thread
	assert_has_syscall userns sched_get_priority_max # second thread
	assert_has_syscall userns ioprio_get             # forked child
	assert_lacks_syscall userns pivot_root           # the runtime's set-up
	assert_lacks_syscall userns sethostname
}

@test "the container runs again under its profile with the same output" {
	run record probe /bin/probe record
	[ "$status" -eq 0 ]
	recorded=$output
	wait_for_profile probe
	run run_container --rm --security-opt "seccomp=$PROFILES/probe.json" -- /bin/probe record
	[ "$status" -eq 0 ]
	[ "$output" = "$recorded" ]
}

@test "a syscall not made while recording fails with EPERM under the profile" {
	run record probe /bin/probe record
	[ "$status" -eq 0 ]
	wait_for_profile probe
	assert_lacks_syscall probe sched_get_priority_min

	run run_container --rm -- /bin/probe extra
	[ "$status" -eq 0 ]
	[[ "$output" == *"main: sched_get_priority_min ok"* ]]

	run run_container --rm --security-opt "seccomp=$PROFILES/probe.json" -- /bin/probe extra
	[ "$status" -eq 0 ]
	[[ "$output" == *"main: sched_get_priority_min Operation not permitted"* ]]
	[[ "$output" == *"child: ioprio_get ok"* ]]
}

@test "if: merges the input profile's syscalls into the output" {
	mkdir -m 0700 "$PROFILES"
	cat >"$PROFILES/base.json" <<-'JSON'
	{"defaultAction": "SCMP_ACT_ERRNO",
	 "syscalls": [{"names": ["sched_get_priority_min", "mincore"], "action": "SCMP_ACT_ALLOW"}]}
	JSON
	run run_container --rm --annotation "$ANNOTATION=if:base.json;of:merged.json" -- /bin/probe record
	[ "$status" -eq 0 ]
	wait_for_profile merged
	assert_has_syscall merged sched_get_priority_min # from base.json
	assert_has_syscall merged mincore                # from base.json
	assert_has_syscall merged getitimer              # recorded
	run run_container --rm --security-opt "seccomp=$PROFILES/merged.json" -- /bin/probe extra
	[ "$status" -eq 0 ]
	[[ "$output" == *"main: sched_get_priority_min ok"* ]]
}

@test "--rm and a container that exits at once get a complete profile" {
	run record true /bin/true
	[ "$status" -eq 0 ]
	wait_for_profile true
	assert_has_syscall true execve
	assert_has_syscall true exit_group
	run run_container --rm --security-opt "seccomp=$PROFILES/true.json" -- /bin/true
	[ "$status" -eq 0 ]
}

@test "a container kept after exit (no --rm) gets its profile too" {
	run run_container --name kept --annotation "$ANNOTATION=of:kept.json" -- /bin/echo kept
	[ "$status" -eq 0 ]
	wait_for_profile kept
	assert_has_syscall kept write
	run run_container --rm --security-opt "seccomp=$PROFILES/kept.json" -- /bin/echo kept
	[ "$status" -eq 0 ]
	[ "$output" = kept ]
}

@test "a bad annotation stops the container with the hook's one-line reason" {
	run run_container --rm --annotation "$ANNOTATION=of:../escape.json" -- /bin/true
	[ "$status" -ne 0 ]
	[[ "$output" == *"'..' component"* ]]
	[ ! -e "$WORK/escape.json" ]
}

@test "in a pod, each container records into the file its name selects" {
	# What CRI-O gives each container of a pod: all of the pod's annotations,
	# and the container's name in io.kubernetes.cri-o.Metadata.
	local pod=(--annotation "$ANNOTATION/web=of:web.json" --annotation "$ANNOTATION/db=of:db.json"
		--annotation io.kubernetes.cri-o.ContainerType=container)
	# (podman reads --annotation as CSV: a JSON value is quoted, its quotes doubled)
	crio_name() { printf '"io.kubernetes.cri-o.Metadata={""name"":""%s"",""attempt"":0}"' "$1"; }
	run_container --rm "${pod[@]}" --annotation "$(crio_name web)" \
		-- /bin/probe call sysinfo
	run_container --rm "${pod[@]}" --annotation "$(crio_name db)" \
		-- /bin/probe call getcpu
	# A container the annotations do not name, and the pod's infra container,
	# are not recorded.
	run_container --rm "${pod[@]}" --annotation "$(crio_name cache)" \
		-- /bin/probe call times
	run_container --rm --annotation "$ANNOTATION=of:infra.json" --annotation io.kubernetes.cri-o.ContainerType=sandbox \
		-- /bin/probe call times
	wait_for_profile web
	wait_for_profile db
	assert_has_syscall web sysinfo
	assert_lacks_syscall web getcpu
	assert_has_syscall db getcpu
	assert_lacks_syscall db sysinfo
	assert_no_leftovers
	[ "$(ls "$PROFILES")" = "$(printf '%s\n' db.json db.report.json web.json web.report.json)" ]
}

@test "--seccompprofile also writes the profile as a SeccompProfile resource" {
	install_hook '["--seccompprofile"]'
	run record My_App /bin/probe record
	[ "$status" -eq 0 ]
	wait_for_profile My_App
	wait_until 10 test -f "$PROFILES/My_App.seccompprofile.yaml"
	"$BATS_TEST_DIRNAME/validate.py" seccompprofile "$PROFILES/My_App.seccompprofile.yaml"
	# The same syscalls as the JSON profile, under the file's name.
	resource_names=$(/usr/bin/python3 -c 'import sys, yaml
d = yaml.safe_load(open(sys.argv[1]))
print(d["metadata"]["name"])
print("\n".join(d["spec"]["syscalls"][0]["names"]))' "$PROFILES/My_App.seccompprofile.yaml")
	[ "$(head -n 1 <<<"$resource_names")" = my-app ]
	[ "$(tail -n +2 <<<"$resource_names")" = "$(profile_names My_App)" ]
}

@test "recordings that overlap and name one file end in their union; a later one replaces it" {
	mkdir "$WORK/ctl"
	run_container -d --name long -v "$WORK/ctl:/ctl" --annotation "$ANNOTATION=of:app.json" -- \
		/bin/sh -c '/bin/probe call getsid; while [ ! -e /ctl/go ]; do sleep 0.05; done; /bin/probe call times'
	wait_for_output long "main: getsid ok"
	run record app /bin/probe call getpgid # starts and ends while "long" records
	[ "$status" -eq 0 ]
	wait_for_profile app
	assert_has_syscall app getpgid
	touch "$WORK/ctl/go"
	podman_ wait long
	wait_for_no_tracing_child
	assert_has_syscall app getsid
	assert_has_syscall app times
	assert_has_syscall app getpgid # kept: the two overlapped
	grep -q "app.json: merged with what recordings that overlapped this one wrote there" "$HOOK_LOG"

	# Started after the file was written: replaces it, as of: always did.
	run record app /bin/probe call sysinfo
	[ "$status" -eq 0 ]
	wait_for_no_tracing_child
	assert_has_syscall app sysinfo
	assert_lacks_syscall app getsid
	assert_lacks_syscall app getpgid
}

@test "every profile has a report beside it: the container, when, how it ended, what was recorded per architecture" {
	run_container --name reported --annotation "$ANNOTATION=of:reported.json" -- /bin/probe record
	wait_for_profile reported
	local report=$PROFILES/reported.report.json id
	id=$(podman_ inspect -f '{{.Id}}' reported)
	[ "$(jq -r .container.id "$report")" = "$id" ]
	[ "$(jq -r .endedBy "$report")" = "init exit" ]
	[ "$(jq -r .underSeccomp "$report")" = true ] # podman's default filter
	grep -q "container $id runs under a seccomp filter" "$HOOK_LOG"
	jq -e '.recorded.SCMP_ARCH_X86_64 | index("getitimer") and index("ioprio_get")' "$report"
	[ "$(jq -r .untrackedProcesses "$report")" = 0 ]
	[ "$(jq -c .denied "$report")" = '{}' ]

	podman_ run --rm --runtime "$RUNTIME" --network none --ulimit nofile=1024:1024 --ulimit nproc=1024:1024 \
		--security-opt seccomp=unconfined --annotation "$ANNOTATION=of:open.json" --rootfs "$ROOTFS" /bin/true
	wait_for_profile open
	[ "$(jq -r .underSeccomp "$PROFILES/open.report.json")" = false ]
}

@test "what the container's seccomp filter denies is reported and not allowed, unless --allow-denied" {
	# podman's default filter denies acct without CAP_SYS_PACCT (EPERM).
	run record refused /bin/probe call acct
	[ "$status" -eq 0 ]
	[ "$output" = "main: acct Operation not permitted" ]
	wait_for_profile refused
	assert_lacks_syscall refused acct
	jq -e '.denied.SCMP_ARCH_X86_64 | index("acct")' "$PROFILES/refused.report.json"
	jq -e '.recorded.SCMP_ARCH_X86_64 | index("acct") | not' "$PROFILES/refused.report.json"
	grep -q "refused.json: the container's seccomp filter denied [0-9]* syscalls: .*acct.*; not in the profile (--allow-denied adds them)" "$HOOK_LOG"

	install_hook '["--allow-denied"]'
	run record allowed /bin/probe call acct
	[ "$status" -eq 0 ]
	wait_for_profile allowed
	assert_has_syscall allowed acct
	# Unconfined, nothing is denied and the sys_exit program is never attached.
	run -0 run_container --rm --security-opt seccomp=unconfined --annotation "$ANNOTATION=of:open.json" -- /bin/probe call acct
	wait_for_profile open
	[ "$(jq -c .denied "$PROFILES/open.report.json")" = '{}' ]
	assert_no_leftovers
}

@test "what a filter the workload stacks on the container's refuses is its own, apart from denied" {
	# The container's filter refuses acct and syslog (EPERM); the probe's
	# own answers sysinfo and syslog with ENOSYS and kills at kcmp.
	[ -d "$PROFILES" ] || mkdir -m 0700 "$PROFILES"
	echo '{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["acct","syslog"],"action":"SCMP_ACT_ERRNO","errnoRet":1}]}' \
		>"$WORK/refuse.json"
	run -0 run_container --rm --security-opt "seccomp=$WORK/refuse.json" --annotation "$ANNOTATION=of:stacked.json" -- \
		/bin/probe ownfilter
	[ "$output" = "main: sysinfo Function not implemented
main: acct Operation not permitted
main: syslog Function not implemented
child: kcmp killed by SIGSYS" ]
	wait_for_profile stacked
	jq -e '.denied == {"SCMP_ARCH_X86_64": ["acct"]}' "$PROFILES/stacked.report.json"
	jq -e '.workloadDenied.SCMP_ARCH_X86_64 == ["kcmp", "sysinfo", "syslog"]' "$PROFILES/stacked.report.json"
	jq -e '.killed == {}' "$PROFILES/stacked.report.json"
	grep -q "stacked.json: a seccomp filter the workload installed itself refused: kcmp sysinfo syslog (its own policy" "$HOOK_LOG"
	# --allow-denied adds the container's refusals, never the workload's.
	install_hook '["--allow-denied"]'
	run -0 run_container --rm --security-opt "seccomp=$WORK/refuse.json" --annotation "$ANNOTATION=of:allowed.json" -- \
		/bin/probe ownfilter
	wait_for_profile allowed
	assert_has_syscall allowed acct
	for name in sysinfo syslog kcmp; do
		assert_lacks_syscall allowed "$name"
	done
}

# under_kill_getpgid NAME COMMAND...: records NAME.json of a container under
# a filter that kills a process at getpgid.
under_kill_getpgid() {
	local name=$1
	shift
	[ -d "$PROFILES" ] || mkdir -m 0700 "$PROFILES"
	echo '{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["getpgid"],"action":"SCMP_ACT_KILL_PROCESS"}]}' >"$WORK/kill-getpgid.json"
	run_container --rm --security-opt "seccomp=$WORK/kill-getpgid.json" --annotation "$ANNOTATION=of:$name.json" -- "$@"
}

@test "a process the container's filter kills (SIGSYS) is reported with the syscall it died at" {
	run -0 under_kill_getpgid killed \
		/bin/sh -c '/bin/probe call getpgid; /bin/probe call getsid'
	[[ "$output" == *"main: getsid ok"* ]]
	[[ "$output" != *"main: getpgid"* ]] # killed before it could say
	wait_for_profile killed
	jq -e '.killed.SCMP_ARCH_X86_64 == ["getpgid"]' "$PROFILES/killed.report.json"
	assert_lacks_syscall killed getpgid
	assert_has_syscall killed getsid
	grep -q "killed.json: the container's seccomp filter killed processes (SIGSYS) at: getpgid; not in the profile" "$HOOK_LOG"
}

@test "killed names the syscall of the thread the filter hit, not its siblings', nor a SIGSYS sent from outside" {
	# A second thread waits in pause when the filter kills the process.
	run -0 under_kill_getpgid sibling \
		/bin/sh -c '/bin/probe sibling getpgid; /bin/probe call getsid'
	[[ "$output" == *"main: getsid ok"* ]]
	wait_for_profile sibling
	jq -e '.killed.SCMP_ARCH_X86_64 == ["getpgid"]' "$PROFILES/sibling.report.json"
	assert_has_syscall sibling pause
	# A process killed with SIGSYS by another process died at no syscall
	# a filter refused.
	run -0 under_kill_getpgid outside \
		/bin/sh -c 'sleep 100 & sleep 0.5; kill -SYS $!; wait; /bin/probe call getsid'
	[[ "$output" == *"main: getsid ok"* ]]
	wait_for_profile outside
	[ "$(jq -c .killed "$PROFILES/outside.report.json")" = '{}' ]
	run -1 grep -q "outside.json: the container's seccomp filter killed" "$HOOK_LOG"
	assert_no_leftovers
}
