#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
# shellcheck disable=SC2154 # stderr: set by bats' run --separate-stderr
# Publishing a profile as an OCI artifact (KEP-6061, what CRI-O pulls): merge
# --oci writes it into an OCI image layout, skopeo pushes it to a real
# registry (Debian's docker-registry, on localhost), and it comes back byte
# for byte and runs a container; and the whole loop of examples/ci with
# podman.

bats_require_minimum_version 1.5.0
load helpers

setup_file() {
	probe_runtime
	[ -z "$CANNOT_RUN" ] || return 0
	command -v docker-registry >/dev/null || { echo "docker-registry is not installed (Quick start installs it)" >&2; return 1; }
	command -v skopeo >/dev/null || { echo "skopeo is not installed (Quick start installs it)" >&2; return 1; }
	REGISTRY_DIR=$(mktemp -d "${BATS_RUN_TMPDIR:-/tmp}/registry.XXXXXX")
	local port
	port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	printf 'version: 0.1\nstorage:\n  filesystem:\n    rootdirectory: %s/data\nhttp:\n  addr: 127.0.0.1:%s\n' \
		"$REGISTRY_DIR" "$port" >"$REGISTRY_DIR/config.yml"
	docker-registry serve "$REGISTRY_DIR/config.yml" >"$REGISTRY_DIR/log" 2>&1 &
	echo $! >"$REGISTRY_DIR/pid"
	export REGISTRY=127.0.0.1:$port REGISTRY_DIR
	wait_until 10 curl -sf "http://$REGISTRY/v2/" >/dev/null ||
		{ echo "the registry did not start: $(cat "$REGISTRY_DIR/log")" >&2; return 1; }
}
teardown_file() {
	[ -z "${REGISTRY_DIR:-}" ] || { kill "$(cat "$REGISTRY_DIR/pid")"; rm -rf "$REGISTRY_DIR"; }
}
setup() { setup_recorder; }
teardown() { teardown_recorder; }

@test "a recorded profile, merged into an OCI artifact, goes to a registry and back byte for byte, and runs its container" {
	run -0 record app /bin/probe record
	recorded=$output
	wait_for_profile app
	run -0 record app2 /bin/probe record
	wait_for_profile app2

	cd "$WORK"
	"$HOOK_BINARY" merge -o merged.json "$PROFILES/app.json" "$PROFILES/app2.json"
	mkdir expected && "$HOOK_BINARY" merge --oci expected:v1 merged.json >/dev/null
	run -0 --separate-stderr "$HOOK_BINARY" merge --oci layout:v1 "$PROFILES/app.json" "$PROFILES/app2.json"
	digest=$output
	[[ "$digest" =~ ^sha256:[0-9a-f]{64}$ ]]
	skopeo copy --quiet --dest-tls-verify=false oci:layout:v1 "docker://$REGISTRY/profiles/app:v1"

	# Read back with plain HTTP: the manifest CRI-O checks, and its one layer.
	curl -sf -H "Accept: application/vnd.oci.image.manifest.v1+json" \
		"http://$REGISTRY/v2/profiles/app/manifests/v1" >manifest.json
	[ "sha256:$(sha256sum <manifest.json | cut -d' ' -f1)" = "$digest" ]
	jq -e '.mediaType == "application/vnd.oci.image.manifest.v1+json" and
		.artifactType == "application/vnd.cncf.seccomp-profile.config.v1+json" and
		.config.mediaType == "application/vnd.cncf.seccomp-profile.config.v1+json" and
		(.layers | length) == 1 and .layers[0].mediaType == "application/json"' manifest.json
	curl -sf "http://$REGISTRY/v2/profiles/app/blobs/$(jq -r '.layers[0].digest' manifest.json)" >pulled.json
	cmp pulled.json "expected/blobs/$(jq -r '.layers[0].digest | sub(":"; "/")' manifest.json)"
	run -0 "$HOOK_BINARY" diff merged.json pulled.json # the same profile
	# Only the runtime spec's LinuxSeccomp fields, which runtimes read strictly.
	jq -e '(keys - ["defaultAction", "defaultErrnoRet", "architectures", "flags", "syscalls"]) == [] and
		all(.syscalls[]; (keys - ["names", "action", "errnoRet", "args"]) == [])' pulled.json

	# skopeo pulls it back unchanged too.
	skopeo copy --quiet --src-tls-verify=false "docker://$REGISTRY/profiles/app:v1" oci:back:v1
	[ "$(jq -r '.manifests[0].digest' back/index.json)" = "$digest" ]

	# The container runs under the pulled profile as it did recorded.
	run -0 run_container --rm --security-opt "seccomp=$WORK/pulled.json" -- /bin/probe record
	[ "$output" = "$recorded" ]
}

@test "a second tag in the same layout keeps the first; a bad tag or a profile the runtime spec cannot say is refused in one line" {
	cd "$WORK"
	jq -n '{defaultAction: "SCMP_ACT_ERRNO", syscalls: [{names: ["read"], action: "SCMP_ACT_ALLOW"}]}' >a.json
	jq -n '{defaultAction: "SCMP_ACT_ERRNO", syscalls: [{names: ["write"], action: "SCMP_ACT_ALLOW"}]}' >b.json
	run -0 "$HOOK_BINARY" merge --oci layout:v1 a.json
	first=$output
	run -0 "$HOOK_BINARY" merge --oci layout:v2 b.json
	[ "$(jq -c '[.manifests[].annotations["org.opencontainers.image.ref.name"]]' layout/index.json)" = '["v1","v2"]' ]
	run -0 "$HOOK_BINARY" merge --oci layout:v1 a.json # the same bytes, the same digest
	[ "$output" = "$first" ]
	[ "$(jq '.manifests | length' layout/index.json)" = 2 ]

	run -1 "$HOOK_BINARY" merge --oci 'layout:bad tag' a.json
	[ "$output" = "oci-seccomp-recorder merge: cannot write the profile as an OCI artifact: 'bad tag' is not a tag (letters, digits, '_', '.', '-'; at most 128)" ]
	jq -n '{defaultAction: "SCMP_ACT_ERRNO", syscalls: [{names: ["bpf"], action: "SCMP_ACT_ALLOW", includes: {caps: ["CAP_SYS_ADMIN"]}}]}' >caps.json
	run -1 "$HOOK_BINARY" merge --oci fresh:v1 caps.json
	[[ "$output" == "oci-seccomp-recorder merge: cannot write the profile as an OCI artifact: the runtime spec's format has no includes (rule "* ]]
	[ ! -e fresh ]
	run -1 "$HOOK_BINARY" merge --oci fresh:v1 -o out.json a.json
	[[ "$output" == *"--output excludes --oci"* ]]
}

@test "examples/ci/pipeline.sh with run.sh podman records until stable, merges, verifies and publishes a workload's profile" {
	mkdir "$WORK/bin"
	ln -s "$HOOK_BINARY" "$WORK/bin/oci-seccomp-recorder"
	cd "$WORK"
	PATH=$WORK/bin:$PATH PROFILE_DIR=$PROFILES SETTLE=2 REGISTRY=$REGISTRY/pipeline TAG=v1 \
		SKOPEO_OPTS=--dest-tls-verify=false LAYOUT=$WORK/layout \
		run -0 "$SOURCE_DIR/examples/ci/pipeline.sh" app -- "$SOURCE_DIR/examples/ci/run.sh" podman \
		--root "$WORK/storage" --runroot "$WORK/run" --storage-driver vfs --cgroup-manager cgroupfs \
		--events-backend none --hooks-dir "$WORK/hooks" -- \
		--runtime "$RUNTIME" --network none --ulimit nofile=1024:1024 --ulimit nproc=1024:1024 \
		--rootfs "$ROOTFS" /bin/probe record
	echo "$output"
	[[ "$output" == *"stable: the last 2 runs added nothing"* ]]
	[[ "$output" == *"pipeline: verify run 1: denied {}"* ]]
	[[ "$output" =~ pipeline:\ pushed\ $REGISTRY/pipeline/app@(sha256:[0-9a-f]{64}) ]]
	digest=${BASH_REMATCH[1]}
	# What the registry holds is the merged, verified profile.
	curl -sf -H "Accept: application/vnd.oci.image.manifest.v1+json" \
		"http://$REGISTRY/v2/pipeline/app/manifests/$digest" >manifest.json
	curl -sf "http://$REGISTRY/v2/pipeline/app/blobs/$(jq -r '.layers[0].digest' manifest.json)" >pulled.json
	run -0 "$HOOK_BINARY" diff "$PROFILES/app.json" pulled.json
	assert_has_syscall app getitimer
	assert_has_syscall app ioprio_get
}
