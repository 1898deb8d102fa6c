#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
# Rootless podman, as a user the tests create (with subordinate uid and gid
# ranges, as useradd gives them), with runc: podman runs our hook in its own
# user namespace, where nothing can be recorded; the hook says so in one line.

bats_require_minimum_version 1.5.0
load helpers

ROOTLESS_USER=ocisr-rootless-test

setup_file() {
	probe_runtime
	[ -z "$CANNOT_RUN" ] || return 0
	command -v newuidmap >/dev/null || { echo "newuidmap is not installed (uidmap; Quick start installs it)" >&2; return 1; }
	remove_user # what an interrupted run left
	useradd --create-home --shell /bin/sh "$ROOTLESS_USER"
	grep -q "^$ROOTLESS_USER:" /etc/subuid ||
		usermod --add-subuids 3000000-3065535 --add-subgids 3000000-3065535 "$ROOTLESS_USER"
}
teardown_file() {
	[ -n "${CANNOT_RUN:-}" ] || remove_user
}

# The user and its processes (rootless podman leaves a pause process that
# holds its user namespace).
remove_user() {
	id "$ROOTLESS_USER" >/dev/null 2>&1 || return 0
	pkill -KILL -u "$ROOTLESS_USER" || true
	wait_until 5 sh -c "! pgrep -u $ROOTLESS_USER >/dev/null"
	userdel -r "$ROOTLESS_USER" 2>/dev/null || userdel "$ROOTLESS_USER"
}
setup() {
	setup_recorder
	# The user's own tree: storage, run dir, a rootfs it owns, and the
	# hook's JSON as the package installs it.
	USER_WORK=$(mktemp -d /tmp/rootless-it.XXXXXX)
	cp -a "$ROOTFS" "$USER_WORK/rootfs"
	mkdir "$USER_WORK/hooks"
	sed -e "s|@HOOK_PATH@|$HOOK_BINARY|" -e "s|@DEFAULT_PROFILE_DIR@|$PROFILES|" "$HOOKS_TEMPLATE" \
		>"$USER_WORK/hooks/oci-seccomp-recorder.json"
	chown -R "$ROOTLESS_USER:" "$USER_WORK"
}
teardown() {
	[ -z "${USER_WORK:-}" ] || {
		su "$ROOTLESS_USER" -c "podman unshare rm -rf '$USER_WORK/storage'" >/dev/null 2>&1 || true
		rm -rf "$USER_WORK"
	}
	teardown_recorder
}

# rootless_run [podman run options...] -- COMMAND...: as the user, in its
# user namespace, with the hook's JSON of the package.
rootless_run() {
	split_options "$@"
	local podman=(podman --root "$USER_WORK/storage" --runroot "$USER_WORK/run" --storage-driver vfs
		--cgroup-manager cgroupfs --events-backend none --hooks-dir "$USER_WORK/hooks"
		run --rm --runtime "$RUNTIME" --network none --ulimit nofile=1024:1024 "${OPTS[@]}"
		--rootfs "$USER_WORK/rootfs" "${REST[@]}")
	su "$ROOTLESS_USER" -c "cd /tmp && $(printf '%q ' "${podman[@]}")"
}

@test "rootless podman: an annotated container is refused in one line that says why; others run" {
	run rootless_run -- /bin/echo rootless runs
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"rootless runs"* ]]
	run ! rootless_run --annotation "$ANNOTATION=of:mine.json" -- /bin/true
	echo "$output"
	[[ "$output" == *"oci-seccomp-recorder: container "*": rootless containers cannot be recorded: recording needs BPF privilege in the node's initial user namespace, and this hook runs in a user namespace (rootless podman's)"* ]]
	[ ! -e "$PROFILES/mine.json" ]
	assert_no_leftovers
}
