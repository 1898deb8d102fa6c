#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
# Rootless podman, as users the tests create (with subordinate uid and gid
# ranges, as useradd gives them), with runc: podman runs our hook in its own
# user namespace, without BPF privilege; the recording service, started as
# its socket unit starts it, records for the user into the user's own
# directory. And what a second user may not make the service do.

bats_require_minimum_version 1.5.0
load helpers

ROOTLESS_USER=ocisr-rootless-test
OTHER_USER=ocisr-rootless-other
CLIENT=$SOURCE_DIR/tests/integration/service_client.py

setup_file() {
	probe_runtime
	[ -z "$CANNOT_RUN" ] || return 0
	command -v newuidmap >/dev/null || { echo "newuidmap is not installed (uidmap; Quick start installs it)" >&2; return 1; }
	command -v systemd-socket-activate >/dev/null || { echo "systemd-socket-activate is not installed (systemd)" >&2; return 1; }
	remove_users # what an interrupted run left
	useradd --create-home --shell /bin/sh "$ROOTLESS_USER"
	grep -q "^$ROOTLESS_USER:" /etc/subuid ||
		usermod --add-subuids 3000000-3065535 --add-subgids 3000000-3065535 "$ROOTLESS_USER"
	useradd --create-home --shell /bin/sh "$OTHER_USER"
	# A home others may look into, as many are: the second user can open it,
	# and hand it to the service.
	chmod 755 "$(user_home "$ROOTLESS_USER")"
}
teardown_file() {
	[ -n "${CANNOT_RUN:-}" ] || remove_users
}

user_home() { getent passwd "$1" | cut -d: -f6; }

# The users and their processes (rootless podman leaves a pause process that
# holds its user namespace).
remove_users() {
	local user
	for user in "$ROOTLESS_USER" "$OTHER_USER"; do
		id "$user" >/dev/null 2>&1 || continue
		pkill -KILL -u "$user" || true
		wait_until 5 sh -c "! pgrep -u $user >/dev/null"
		userdel -r "$user" 2>/dev/null || userdel "$user"
	done
}
setup() {
	setup_recorder
	# The user's own tree: storage, run dir, a rootfs it owns, and the
	# hook's JSON as the package installs it, with the node's log file
	# (root's: a user's hook logs to stderr without it).
	USER_WORK=$(mktemp -d /tmp/rootless-it.XXXXXX)
	chmod 755 "$USER_WORK"
	cp -a "$ROOTFS" "$USER_WORK/rootfs"
	mkdir "$USER_WORK/hooks"
	SERVICE_SOCKET=$USER_WORK/service.sock
	SERVICE_LOG=$WORK/service.log
	sed -e "s|@HOOK_PATH@|$HOOK_BINARY|" -e "s|@DEFAULT_PROFILE_DIR@|$PROFILES|" "$HOOKS_TEMPLATE" |
		jq --arg socket "$SERVICE_SOCKET" --arg log "$HOOK_LOG" \
			'.hook.args += ["--service-socket", $socket, "--log-file", $log]' \
			>"$USER_WORK/hooks/oci-seccomp-recorder.json"
	chown -R "$ROOTLESS_USER:" "$USER_WORK"
	USER_PROFILES=$(user_home "$ROOTLESS_USER")/.local/share/oci-seccomp-profiles
	OTHER_PROFILES=$(user_home "$OTHER_USER")/.local/share/oci-seccomp-profiles
	rm -rf "$USER_PROFILES" "$OTHER_PROFILES"
}
teardown() {
	stop_service
	pkill -KILL -u "$OTHER_USER" || true
	[ -z "${USER_WORK:-}" ] || {
		su "$ROOTLESS_USER" -c "podman --root '$USER_WORK/storage' --runroot '$USER_WORK/run' rm -af" >/dev/null 2>&1 || true
		su "$ROOTLESS_USER" -c "podman unshare rm -rf '$USER_WORK/storage'" >/dev/null 2>&1 || true
		rm -rf "$USER_WORK"
	}
	if [ -s "${SERVICE_LOG:-}" ]; then
		echo "# service log:"
		sed 's/^/#   /' "$SERVICE_LOG"
	fi
	teardown_recorder
}

# The service as its socket unit starts it: systemd passes it the listening
# socket (the unit's SocketMode=0666 is the chmod here). Stopped by its pid.
start_service() {
	systemd-socket-activate -l "$SERVICE_SOCKET" "$HOOK_BINARY" service --idle-exit 0 --btf-cache "" --linger 0 "$@" \
		>"$SERVICE_LOG" 2>&1 &
	SERVICE_PID=$!
	wait_until 5 test -S "$SERVICE_SOCKET"
	chmod 666 "$SERVICE_SOCKET"
}
stop_service() {
	[ -n "${SERVICE_PID:-}" ] || return 0
	kill "$SERVICE_PID" 2>/dev/null || true
	wait "$SERVICE_PID" 2>/dev/null || true
	SERVICE_PID=
}

# podman_as USER [podman options...] -- ARGS...: podman as USER, in its user
# namespace, with the hook's JSON of the package.
podman_as() {
	local user=$1
	shift
	split_options "$@"
	local podman=(podman --root "$USER_WORK/storage" --runroot "$USER_WORK/run" --storage-driver vfs
		--cgroup-manager cgroupfs --events-backend none --hooks-dir "$USER_WORK/hooks" "${REST[@]}")
	su "$user" -c "cd /tmp && $(printf '%q ' "${podman[@]}")"
}
# rootless_run [podman run options...] -- COMMAND...: a container of the user.
rootless_run() {
	split_options "$@"
	podman_as "$ROOTLESS_USER" -- run --rm --runtime "$RUNTIME" --network none --ulimit nofile=1024:1024 \
		"${OPTS[@]}" --rootfs "$USER_WORK/rootfs" "${REST[@]}"
}

# as_other COMMAND: a shell command as the second user.
as_other() { su "$OTHER_USER" -c "cd /tmp && $1"; }

# A state JSON the second user writes, asking to record PID into OUT.
forged_state() {
	jq -n --argjson pid "$1" --arg out "$2" \
		'{ociVersion: "1.0.2", id: "forged", status: "creating", pid: $pid, bundle: "/",
		  annotations: {"io.containers.trace-syscall": ("of:" + $out)}}' >"$USER_WORK/state-$1.json"
	chmod 644 "$USER_WORK/state-$1.json"
	echo "$USER_WORK/state-$1.json"
}

# A container of the second user's own, with no engine: PID 1 of new user,
# PID and mount namespaces (the user's), started by the shell that then runs
# the caller, so that it is the caller's runtime's. Runs COMMAND with
# $TARGET set to its pid on the host.
with_own_target() {
	as_other "unshare --user --map-root-user --pid --fork --mount-proc sleep 60 & launcher=\$!
		until target=\$(pgrep -P \$launcher -x sleep); do sleep 0.05; done
		TARGET=\$target; $1; kill \$launcher"
}

@test "rootless podman records into the user's own directory, as the user; the profile replays rootless" {
	start_service
	run rootless_run --annotation "$ANNOTATION=of:mine.json" -- /bin/sh -c 'echo rootless; ls /'
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *rootless* ]]
	PROFILES=$USER_PROFILES wait_for_profile mine
	# The user's files, where the user looks for them; nothing in root's.
	[ "$(stat -c %U:%G:%a "$USER_PROFILES")" = "$ROOTLESS_USER:$ROOTLESS_USER:700" ]
	[ "$(stat -c %U:%G:%a "$USER_PROFILES/mine.json")" = "$ROOTLESS_USER:$ROOTLESS_USER:644" ]
	[ "$(stat -c %U:%G "$USER_PROFILES/mine.report.json")" = "$ROOTLESS_USER:$ROOTLESS_USER" ]
	[ ! -e "$PROFILES/mine.json" ]
	grep -q "recording for uid $(id -u "$ROOTLESS_USER") (pid [0-9]*) into $USER_PROFILES/mine.json" "$SERVICE_LOG"
	jq -e '.syscalls[0].names | index("getdents64")' "$USER_PROFILES/mine.json"
	# The user replays it, rootless.
	run rootless_run --security-opt "seccomp=$USER_PROFILES/mine.json" -- /bin/sh -c 'echo rootless; ls /'
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *rootless* ]]
	assert_no_leftovers
}

@test "status shows a rootless recording with its owner, and a user their own only" {
	start_service
	podman_as "$ROOTLESS_USER" -- run -d --name long --runtime "$RUNTIME" --network none \
		--ulimit nofile=1024:1024 --annotation "$ANNOTATION=of:long.json" --rootfs "$USER_WORK/rootfs" /bin/sleep 30
	run "$HOOK_BINARY" status
	echo "$output"
	[[ "$output" == *OWNER* ]]
	[[ "$(echo "$output" | sed -n 2p)" == *" $ROOTLESS_USER "*"$USER_PROFILES/long.json"* ]]
	run "$HOOK_BINARY" status --json
	[ "$(echo "$output" | jq '.[0].owner')" = "$(id -u "$ROOTLESS_USER")" ]
	# A user sees their own, through the service; another user sees none of them.
	root_started=$("$HOOK_BINARY" status --json | jq -r '.[0].started')
	run su "$ROOTLESS_USER" -c "$HOOK_BINARY status --service-socket $SERVICE_SOCKET"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$(echo "$output" | sed -n 2p)" == *" $ROOTLESS_USER "*"$root_started"*"$USER_PROFILES/long.json"* ]]
	run su "$ROOTLESS_USER" -c "$HOOK_BINARY status --json --service-socket $SERVICE_SOCKET"
	[ "$(echo "$output" | jq -r '.[0].profile')" = "$USER_PROFILES/long.json" ]
	run as_other "$HOOK_BINARY status --service-socket $SERVICE_SOCKET"
	[ "$output" = "no recordings on this node" ]
	run as_other "$HOOK_BINARY status --json --service-socket $SERVICE_SOCKET"
	[ "$output" = "[]" ]
	# Without the service, a user is told so, not that there are none.
	run ! as_other "$HOOK_BINARY status --service-socket $USER_WORK/none.sock"
	[ "$output" = "oci-seccomp-recorder status: the recording service is not running (nothing listens on $USER_WORK/none.sock): the package's oci-seccomp-recorder.socket starts it" ]
	podman_as "$ROOTLESS_USER" -- kill long
	PROFILES=$USER_PROFILES wait_for_profile long
	assert_no_leftovers
}

@test "rootless podman without the service: the container is refused in one line that says so" {
	run ! rootless_run --annotation "$ANNOTATION=of:mine.json" -- /bin/true
	echo "$output"
	[[ "$output" == *"oci-seccomp-recorder: the recording service is not running (nothing listens on $SERVICE_SOCKET): the package's oci-seccomp-recorder.socket starts it"* ]]
	run rootless_run -- /bin/echo unannotated runs
	[ "$status" -eq 0 ]
	[[ "$output" == *"unannotated runs"* ]]
	assert_no_leftovers
}

@test "a second user may not record the first user's container, root's, or a host process" {
	start_service
	podman_as "$ROOTLESS_USER" -- run -d --name victim --runtime "$RUNTIME" --network none \
		--ulimit nofile=1024:1024 --rootfs "$USER_WORK/rootfs" /bin/sleep 30
	victim=$(podman_as "$ROOTLESS_USER" -- inspect --format '{{.State.Pid}}' victim)
	start_target # root's
	uid=$(id -u "$OTHER_USER")
	for pid in "$victim" "$TARGET" 1; do
		state=$(forged_state "$pid" stolen.json)
		run ! as_other "$HOOK_BINARY --service-socket $SERVICE_SOCKET <$state"
		echo "$output"
		[ "${#lines[@]}" -eq 1 ]
		[[ "$output" == "oci-seccomp-recorder: you may not record pid $pid: "* ]]
		# The request as a hostile client writes it, not through the hook.
		run as_other "$CLIENT $SERVICE_SOCKET request $state $OTHER_PROFILES"
		echo "$output"
		[[ "$output" == "error: you may not record pid $pid: "* ]]
	done
	[[ "$output" == *"is not uid $uid's"* ]]
	[ -z "$(find "$OTHER_PROFILES" -name 'stolen*')" ]
	[ ! -e "$(user_home "$ROOTLESS_USER")/.local/share/oci-seccomp-profiles/stolen.json" ]
	stop_target
	# The first user is still served.
	run rootless_run --annotation "$ANNOTATION=of:after.json" -- /bin/true
	[ "$status" -eq 0 ]
	PROFILES=$USER_PROFILES wait_for_profile after
	assert_no_leftovers
}

@test "a caller writes only where it may: not in another user's directory, /etc, through a symlink or '..'" {
	start_service
	victim_home=$(user_home "$ROOTLESS_USER")
	as_other "mkdir -p $OTHER_PROFILES && ln -s $victim_home $OTHER_PROFILES/link"
	touch "$WORK/marker"
	# shellcheck disable=SC2016 # $TARGET is the target's, set in with_own_target
	run with_own_target "jq -n --argjson pid \$TARGET '{ociVersion: \"1.0.2\", id: \"own\", pid: \$pid, bundle: \"/\", annotations: {\"io.containers.trace-syscall\": \"of:x.json\"}}' >/tmp/ocisr-own-\$TARGET.json
		for dir in $victim_home /etc /etc/passwd; do
			$CLIENT $SERVICE_SOCKET request /tmp/ocisr-own-\$TARGET.json \$dir
		done
		for out in ../x.json link/x.json /etc/x.json; do
			jq --arg out \"of:\$out\" '.annotations[\"io.containers.trace-syscall\"] = \$out' /tmp/ocisr-own-\$TARGET.json >/tmp/ocisr-own-\$TARGET.2.json
			$CLIENT $SERVICE_SOCKET request /tmp/ocisr-own-\$TARGET.2.json $OTHER_PROFILES
		done
		rm -f /tmp/ocisr-own-\$TARGET*.json"
	echo "$output"
	[ "${#lines[@]}" -eq 6 ]
	[[ "${lines[0]}" == "error: write in $victim_home: Permission denied" ]]
	[[ "${lines[1]}" == "error: write in /etc: Permission denied" ]]
	[[ "${lines[2]}" == "error: the profile dir handed over is a regular file, not a directory" ]]
	[[ "${lines[3]}" == "error: profile path ../x.json has an empty, '.' or '..' component" ]]
	[[ "${lines[4]}" == "error: open $OTHER_PROFILES/link: path goes through a symlink" ]]
	[[ "${lines[5]}" == "error: profile path /etc/x.json is outside the profile dir $OTHER_PROFILES" ]]
	[ -z "$(find /etc "$victim_home" -newer "$WORK/marker" -name 'x*.json')" ]
	assert_no_leftovers
}

@test "garbage, a 100 MiB request, descriptors it should not take, silent callers: each refused, others served" {
	start_service --max-per-user 4
	run as_other "$CLIENT $SERVICE_SOCKET garbage"
	[ "$output" = "error: request is not valid JSON" ]
	run as_other "$CLIENT $SERVICE_SOCKET nofd"
	[ "$output" = "error: request carries no profile directory" ]
	run as_other "$CLIENT $SERVICE_SOCKET big 100"
	[ "$output" = "error: request is larger than 4194304 bytes" ]
	state=$(forged_state 1 x.json)
	run as_other "mkdir -p $OTHER_PROFILES && $CLIENT $SERVICE_SOCKET request $state $OTHER_PROFILES 3"
	[ "$output" = "error: request carries more than the one directory descriptor, or carries it late" ]

	# 100 connections that send nothing: the cap turns 96 away at once, the
	# 4 it holds end at the deadline; the first user records meanwhile.
	held=/tmp/ocisr-silent-held.$$
	rm -f "$held"
	as_other "$CLIENT $SERVICE_SOCKET silent 100 $held" >"$WORK/silent.out" 2>&1 &
	silent=$!
	wait_until 10 test -e "$held"
	cat "$WORK/silent.out"
	[ "$(grep -c "error: uid $(id -u "$OTHER_USER") has 4 recordings or requests under way, the most the recording service allows one user" "$WORK/silent.out")" -eq 96 ]
	grep -qx "waiting: 4" "$WORK/silent.out"
	run rootless_run --annotation "$ANNOTATION=of:served.json" -- /bin/true
	[ "$status" -eq 0 ]
	PROFILES=$USER_PROFILES wait_for_profile served
	wait "$silent"
	rm -f "$held"
	cat "$WORK/silent.out"
	[ "$(grep -c "^error: request: nothing came in time$" "$WORK/silent.out")" -eq 4 ]
	assert_no_leftovers
}

@test "a user's recordings are capped: the next one is refused until one ends" {
	start_service --max-per-user 2
	podman_as "$ROOTLESS_USER" -- run -d --name one --runtime "$RUNTIME" --network none --ulimit nofile=1024:1024 \
		--annotation "$ANNOTATION=of:one.json" --rootfs "$USER_WORK/rootfs" /bin/sleep 30
	podman_as "$ROOTLESS_USER" -- run -d --name two --runtime "$RUNTIME" --network none --ulimit nofile=1024:1024 \
		--annotation "$ANNOTATION=of:two.json" --rootfs "$USER_WORK/rootfs" /bin/sleep 30
	run ! rootless_run --annotation "$ANNOTATION=of:three.json" -- /bin/true
	echo "$output"
	[[ "$output" == *"oci-seccomp-recorder: uid $(id -u "$ROOTLESS_USER") has 2 recordings or requests under way, the most the recording service allows one user"* ]]
	podman_as "$ROOTLESS_USER" -- kill one
	PROFILES=$USER_PROFILES wait_for_profile one
	# Its recording child ends just after it writes the profile.
	wait_until 10 rootless_run --annotation "$ANNOTATION=of:three.json" -- /bin/true
	PROFILES=$USER_PROFILES wait_for_profile three
	podman_as "$ROOTLESS_USER" -- kill two
	PROFILES=$USER_PROFILES wait_for_profile two
	assert_no_leftovers
}

@test "the service exits when idle, never while a recording runs" {
	start_service --idle-exit 2
	podman_as "$ROOTLESS_USER" -- run -d --name held --runtime "$RUNTIME" --network none --ulimit nofile=1024:1024 \
		--annotation "$ANNOTATION=of:held.json" --rootfs "$USER_WORK/rootfs" /bin/sleep 30
	sleep 4 # twice the idle time, with a recording under way
	kill -0 "$SERVICE_PID"
	podman_as "$ROOTLESS_USER" -- kill held
	PROFILES=$USER_PROFILES wait_for_profile held
	wait_until 10 sh -c "! kill -0 $SERVICE_PID 2>/dev/null"
	grep -q "recording service: idle, exiting" "$SERVICE_LOG"
	SERVICE_PID=
	assert_no_leftovers
}
