#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
# The Debian package as a node gets it: built with cpack, clean by lintian,
# installed with dpkg (the recording service's socket enabled), used by
# podman from its default hooks dir, removed without a trace.
# Installs and removes the system's package; puts back one that was there.

bats_require_minimum_version 1.5.0
load helpers

setup_file() { probe_runtime; }

setup() {
	setup_recorder
	build_package "$WORK/deb"
	NAME=package-test-$$
}

teardown() {
	[ -z "${NAME:-}" ] || rm -f "$SYSTEM_PROFILES/$NAME.json"
	restore_package
	teardown_recorder
}

@test "the .deb holds the hook (also on PATH), its JSON, the man page, CRI-O drop-ins, the service's units and the profile dir" {
	contents=$(dpkg-deb -c "$DEB")
	for path in ./usr/libexec/oci/hooks.d/oci-seccomp-recorder \
		./usr/share/containers/oci/hooks.d/oci-seccomp-recorder.json \
		./usr/share/man/man1/oci-seccomp-recorder.1.gz \
		./usr/share/oci-seccomp-recorder/crio/50-oci-seccomp-recorder-runc.conf \
		./usr/share/oci-seccomp-recorder/crio/50-oci-seccomp-recorder-crun.conf \
		./usr/libexec/oci-seccomp-recorder/runc \
		./usr/share/oci-seccomp-recorder/containerd/config-v2.toml \
		./usr/share/oci-seccomp-recorder/containerd/config-v3.toml \
		./lib/systemd/system/oci-seccomp-recorder.socket \
		./lib/systemd/system/oci-seccomp-recorder.service; do
		grep -q " $path\$" <<<"$contents" || { echo "$path missing from $DEB" >&2; return 1; }
	done
	grep -q '^drwx------ root/root .* ./var/lib/oci-seccomp-profiles/$' <<<"$contents"
	grep -q ' ./usr/bin/oci-seccomp-recorder -> ../libexec/oci/hooks.d/oci-seccomp-recorder$' <<<"$contents"
	# The JSON names the binary where the package puts it, and so do the
	# containerd snippets the wrapper.
	[ "$(dpkg-deb --fsys-tarfile "$DEB" | tar -xO ./usr/share/containers/oci/hooks.d/oci-seccomp-recorder.json | jq -r .hook.path)" = \
		/usr/libexec/oci/hooks.d/oci-seccomp-recorder ]
	for version in v2 v3; do
		dpkg-deb --fsys-tarfile "$DEB" | tar -xO "./usr/share/oci-seccomp-recorder/containerd/config-$version.toml" |
			grep -qx '    BinaryName = "/usr/libexec/oci-seccomp-recorder/runc"'
	done
	# The recording service's unit runs the installed binary.
	dpkg-deb --fsys-tarfile "$DEB" | tar -xO ./lib/systemd/system/oci-seccomp-recorder.service |
		grep -qx 'ExecStart=/usr/libexec/oci/hooks.d/oci-seccomp-recorder service'
	# Depends comes from the binary's own links (dpkg-shlibdeps).
	depends=$(dpkg-deb -f "$DEB" Depends)
	echo "Depends: $depends"
	for lib in libbpf1 libseccomp2 libstdc++6 libc6; do
		[[ "$depends" == *"$lib "* ]]
	done
	[[ "$depends" == *bpftool* ]] # writes the BTF cache
}

@test "lintian finds no error and no warning in the .deb" {
	# Its overrides (each with its reason) ship in the package.
	run lintian --allow-root --fail-on error,warning "$DEB"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" != *"E: "* && "$output" != *"W: "* ]]
}

@test "dpkg -i, record through podman's default hooks dir, dpkg -r: nothing of ours remains" {
	dpkg -i "$DEB"
	# The recording service's socket is enabled, and systemd accepts its units.
	wants=/etc/systemd/system/sockets.target.wants/oci-seccomp-recorder.socket
	[ "$(readlink "$wants")" = /lib/systemd/system/oci-seccomp-recorder.socket ]
	run systemd-analyze verify /lib/systemd/system/oci-seccomp-recorder.socket /lib/systemd/system/oci-seccomp-recorder.service
	echo "$output"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	# shellcheck disable=SC2034 # the helpers read it
	PROFILES=$SYSTEM_PROFILES # what the installed hook uses; our helpers look there
	SYSTEM_HOOKS=1 run_container --rm --annotation "$ANNOTATION=of:$NAME.json" -- /bin/probe record
	wait_for_profile "$NAME"
	assert_has_syscall "$NAME" getitimer
	assert_has_syscall "$NAME" ioprio_get
	# The installed hook leaves the program lingering for the next recording.
	run "$HOOK_BINARY" status
	[[ "$output" == *"the BPF recorder lingers, loaded and detached, until "* ]]
	rm "$SYSTEM_PROFILES/$NAME.json" # collected

	mapfile -t files < <(dpkg -L "$PKG" | while read -r p; do [ -d "$p" ] || echo "$p"; done)
	[ "${#files[@]}" -ge 5 ]
	others=$(ls -A "$SYSTEM_PROFILES") # profiles of earlier runs are the user's, not ours
	dpkg -r "$PKG"
	for f in "${files[@]}"; do
		[ ! -e "$f" ] || { echo "$f left after dpkg -r" >&2; return 1; }
	done
	if [ -z "$others" ]; then
		[ ! -e "$SYSTEM_PROFILES" ]
	else
		[ "$(ls -A "$SYSTEM_PROFILES")" = "$others" ]
	fi
	# (The lock file in /run stays: a hook may hold it while dpkg runs, and
	# /run is emptied at boot.)
	[ ! -e /usr/share/containers/oci/hooks.d/oci-seccomp-recorder.json ]
	[ ! -e /var/cache/oci-seccomp-recorder ] # the BTF cache
	[ ! -L "$wants" ]
	assert_no_leftovers # the lingering program and its waiter too
	# And podman runs annotated containers as if we had never been there.
	SYSTEM_HOOKS=1 run_container --rm --annotation "$ANNOTATION=of:$NAME.json" -- /bin/true
	[ ! -e "$SYSTEM_PROFILES/$NAME.json" ]
}
