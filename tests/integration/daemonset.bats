#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
# The DaemonSet's image, built from examples/kubernetes/Containerfile and run
# as daemonset.yaml and uninstall.yaml run it, without a cluster: the install
# init container (privileged, host PID namespace, the node's staging
# directory) installs the package on this machine, a container gets recorded
# through the system's hooks dir, the unprivileged profiles container reads
# the profile as collect-profiles.sh does, and the uninstall init container
# removes the package. Puts back a package that was there.
# The scripts enter the node's namespaces through a host process of the
# test's (NODE_PID): on this kind of machine PID 1 refuses namespace entry
# even to root on the host.

bats_require_minimum_version 1.5.0
load helpers

IMAGE=localhost/oci-seccomp-recorder-installer:test
STAGING=/var/lib/oci-seccomp-recorder-staging

setup_file() { probe_runtime; }

setup() {
	setup_recorder
	: "${SOURCE_DIR:?SOURCE_DIR must name the source tree (ctest sets it)}"
	NAME=daemonset-test-$$
	# The build context the Containerfile expects: the repository's layout,
	# with the package freshly built.
	CONTEXT=$WORK/context
	mkdir -p "$CONTEXT/packaging" "$CONTEXT/examples"
	build_package "$CONTEXT/build"
	cp -r "$SOURCE_DIR/packaging/crio" "$CONTEXT/packaging/"
	cp -r "$SOURCE_DIR/examples/kubernetes" "$CONTEXT/examples/"
	# Its base image, made here as the busybox image is made (every applet
	# linked in /bin), from Debian's static busybox: no registry.
	mkdir -p "$WORK/base/bin"
	cp /bin/busybox "$WORK/base/bin/"
	for applet in $(busybox --list); do
		[ -e "$WORK/base/bin/$applet" ] || ln -s busybox "$WORK/base/bin/$applet"
	done
	tar -C "$WORK/base" -cf "$WORK/busybox.tar" bin
	podman_ import "$WORK/busybox.tar" docker.io/library/busybox:1.36 >/dev/null
	sleep 600 &
	NODE_PID=$!
	[ -e "$STAGING" ] || STAGING_MADE=1 # uninstall.sh removes it; else the teardown does
}

teardown() {
	[ -z "${STAGING_MADE:-}" ] || rm -rf "$STAGING"
	[ -z "${NODE_PID:-}" ] || kill "$NODE_PID" 2>/dev/null || true
	[ -z "${NAME:-}" ] || rm -f "$SYSTEM_PROFILES/$NAME.json"
	restore_package
	teardown_recorder
}

# As the DaemonSets run their privileged init containers (install.sh, with
# the staging directory kubelet makes, and uninstall.sh).
run_init_container() {
	mkdir -p "$STAGING"
	podman_ run --rm --runtime "$RUNTIME" --network none --privileged --pid host -e NODE_PID="$NODE_PID" \
		-v "$STAGING:/host/staging" --ulimit nofile=1024:1024 --ulimit nproc=1024:1024 "$@"
}

# As the profiles DaemonSet runs its reader: root's uid, no capability, no
# privilege escalation, read-only root and profiles, the container's own PIDs.
run_profiles_reader() {
	podman_ run --rm --runtime "$RUNTIME" --network none --user 0 --cap-drop ALL --security-opt no-new-privileges \
		--read-only -v "$SYSTEM_PROFILES:/profiles:ro" --ulimit nofile=1024:1024 --ulimit nproc=1024:1024 "$@"
}

@test "the DaemonSet's image installs, serves profiles unprivileged from, and removes the hook" {
	podman_ build --runtime "$RUNTIME" --network none -f "$CONTEXT/examples/kubernetes/Containerfile" -t "$IMAGE" "$CONTEXT"

	# daemonset.yaml's init container "install"
	run_init_container -e CRIO_RUNTIME_HANDLER=runc "$IMAGE" /install.sh
	package_installed
	[ ! -e "$STAGING/oci-seccomp-recorder.deb" ]
	[ "$(stat -c %a "$SYSTEM_PROFILES")" = 700 ]

	# a workload annotated for recording, through the system's hooks dir
	# shellcheck disable=SC2034 # the helpers read it
	PROFILES=$SYSTEM_PROFILES
	SYSTEM_HOOKS=1 run_container --rm --annotation "$ANNOTATION=of:$NAME.json" -- /bin/probe record
	wait_for_profile "$NAME"
	assert_has_syscall "$NAME" getitimer

	# daemonset.yaml's container "profiles", read as collect-profiles.sh reads it
	mkdir "$WORK/collected"
	run_profiles_reader "$IMAGE" tar -C /profiles -cf - . | tar -C "$WORK/collected" -xf -
	cmp "$WORK/collected/$NAME.json" "$SYSTEM_PROFILES/$NAME.json"
	"$HOOK_BINARY" merge --output "$WORK/merged.json" "$WORK/collected/$NAME.json"
	"$HOOK_BINARY" diff "$WORK/merged.json" "$SYSTEM_PROFILES/$NAME.json"
	# ...which can read, and nothing more.
	run run_profiles_reader "$IMAGE" touch "/profiles/$NAME.json"
	[ "$status" -ne 0 ]

	# uninstall.yaml's init container
	run_init_container "$IMAGE" /uninstall.sh
	run ! package_installed
	[ ! -e /usr/libexec/oci/hooks.d/oci-seccomp-recorder ]
	[ ! -e /usr/share/containers/oci/hooks.d/oci-seccomp-recorder.json ]
	[ ! -e "$STAGING" ]
}

@test "install.sh installs only the .deb the image was built with" {
	podman_ build --runtime "$RUNTIME" --network none -f "$CONTEXT/examples/kubernetes/Containerfile" -t "$IMAGE" "$CONTEXT" >/dev/null
	# A .deb swapped in the image after its build: the hash no longer matches.
	run run_init_container --entrypoint sh "$IMAGE" -c 'echo tampered >>/oci-seccomp-recorder.deb && /install.sh'
	[ "$status" -ne 0 ]
	[[ "$output" == *"FAILED"* ]]
	! package_installed || [ -n "$SAVED_DEB" ]
}

@test "install.sh refuses a runtime handler it has no drop-in for" {
	podman_ build --runtime "$RUNTIME" --network none -f "$CONTEXT/examples/kubernetes/Containerfile" -t "$IMAGE" "$CONTEXT" >/dev/null
	run run_init_container -e CRIO_RUNTIME_HANDLER=kata "$IMAGE" /install.sh
	[ "$status" -ne 0 ]
	[[ "$output" == *"no drop-in for runtime handler 'kata'"* ]]
	! package_installed || [ -n "$SAVED_DEB" ]
}

@test "containerd mode: install.sh appends the wrapper's handler to containerd's config once; uninstall.sh takes it out" {
	podman_ build --runtime "$RUNTIME" --network none -f "$CONTEXT/examples/kubernetes/Containerfile" -t "$IMAGE" "$CONTEXT" >/dev/null
	# A node's config as `containerd config default` writes it (the test's
	# own file: the system's containerd config is never touched).
	local config=$WORK/containerd-config.toml
	containerd config default >"$config"
	cp "$config" "$WORK/containerd-config.orig"
	local env=(-e NODE_RUNTIME=containerd -e CONTAINERD_CONFIG="$config" -e RESTART_CONTAINERD=false)
	for _ in 1 2; do
		run_init_container "${env[@]}" "$IMAGE" /install.sh
	done
	package_installed
	[ "$(grep -c '^# BEGIN oci-seccomp-recorder$' "$config")" = 1 ]
	# containerd reads it: the wrapper's handler beside the runtimes it had.
	containerd --config "$config" config dump >"$WORK/dump.toml"
	grep -A 20 'runtimes.seccomp-recorder]' "$WORK/dump.toml" | grep -q 'pod_annotations = \["io.containers.trace-syscall", "io.containers.trace-syscall/\*"\]'
	grep -q 'BinaryName = "/usr/libexec/oci-seccomp-recorder/runc"' "$WORK/dump.toml"
	grep -q 'runtimes.runc]' "$WORK/dump.toml"
	[ -x /usr/libexec/oci-seccomp-recorder/runc ]

	run_init_container "${env[@]}" "$IMAGE" /uninstall.sh
	run ! package_installed
	cmp "$config" "$WORK/containerd-config.orig"
}
