# SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
# containerd 1.6 from Debian, started by the test itself with a config of its
# own (root, state, socket, CNI dirs under the test's tree; never the
# system's containerd), configured as a node would be: `containerd config
# default` with the shipped snippet appended, its BinaryName pointed at the
# build's wrapper.

: "${WRAPPER_BINARY:?WRAPPER_BINARY must name the built runc wrapper (ctest sets it)}"
: "${SOURCE_DIR:?SOURCE_DIR must name the source tree (ctest sets it)}"

probe_containerd() {
	probe_runtime
	if [ -z "$CANNOT_RUN" ] && ! command -v containerd >/dev/null; then
		CANNOT_RUN="containerd is not installed"
	fi
}

ctr_() {
	ctr --address "$CTD/containerd.sock" "$@"
}

start_containerd() {
	CTD=$WORK/containerd
	mkdir -p "$CTD/cni/bin" "$CTD/cni/conf" "$WORK/pods"
	# restrict_oom_score_adj: the CRI lowers a sandbox's oom_score_adj to
	# -998, which these VMs refuse even to root.
	containerd config default | sed \
		-e "s|^root = .*|root = \"$CTD/root\"|" \
		-e "s|^state = .*|state = \"$CTD/state\"|" \
		-e "s|address = \"/run/containerd/containerd.sock\"|address = \"$CTD/containerd.sock\"|" \
		-e "s|path = \"/opt/containerd\"|path = \"$CTD/opt\"|" \
		-e "s|sandbox_image = .*|sandbox_image = \"localhost/pause:test\"|" \
		-e "s|snapshotter = \"overlayfs\"|snapshotter = \"native\"|" \
		-e "s|bin_dir = \"/opt/cni/bin\"|bin_dir = \"$CTD/cni/bin\"|" \
		-e "s|conf_dir = \"/etc/cni/net.d\"|conf_dir = \"$CTD/cni/conf\"|" \
		-e "s|restrict_oom_score_adj = false|restrict_oom_score_adj = true|" >"$CTD/config.toml"
	sed "s|@WRAPPER_PATH@|$WRAPPER_BINARY|" "$SOURCE_DIR/packaging/containerd/config-v2.toml.in" >>"$CTD/config.toml"
	# The wrapper runs in the shim, with containerd's environment.
	OCI_SECCOMP_RECORDER_HOOKS_DIR=$WORK/hooks OCI_SECCOMP_RECORDER_RUNTIME=$(command -v "$RUNTIME") \
		containerd --config "$CTD/config.toml" >"$CTD/containerd.log" 2>&1 &
	CTD_PID=$!
	wait_until 20 ctr_ version >/dev/null 2>&1 ||
		{ echo "containerd did not start:" >&2; tail -n 20 "$CTD/containerd.log" >&2; return 1; }
}

# Containers of this test's containerd, whatever runc root they are under.
test_containers() {
	local root
	for root in /run/containerd/runc/* "$CTD"/runc/*; do
		[ -d "$root" ] || continue
		"$RUNTIME" --root "$root" list -f json 2>/dev/null |
			jq -r --arg ctd "$CTD/" --arg root "$root" '.[]? | select(.bundle | startswith($ctd)) | "\($root) \(.id)"'
	done
}

stop_containerd() {
	[ -n "${CTD_PID:-}" ] || return 0
	local root id
	# Containers and shims outlive containerd: end them first.
	test_containers | while read -r root id; do "$RUNTIME" --root "$root" delete -f "$id" 2>/dev/null || true; done
	pkill -KILL -f -- "-address $CTD/containerd.sock" 2>/dev/null || true
	kill "$CTD_PID" 2>/dev/null || true
	wait "$CTD_PID" 2>/dev/null || true
	CTD_PID=
	# What the CRI mounted under its state (a sandbox's /dev/shm).
	{ findmnt -rn -o TARGET | grep "^$CTD/" || true; } | sort -r | while read -r m; do umount -l "$m"; done
	# (No CNI config is expected: pods here use the node's network.)
	local errors
	errors=$(grep "level=error" "$CTD/containerd.log" | grep -v "cni config load failed" || true)
	[ -z "$errors" ] || { echo "# containerd errors ($CTD/containerd.log):"; sed 's/^/#   /' <<<"$errors"; }
}

# import_image NAME [CMD...]: the test's rootfs as image localhost/NAME:test
# in containerd's k8s.io namespace, built with podman and imported as a node
# imports a saved image (no registry).
import_image() {
	local name=$1 change=()
	shift
	[ $# -eq 0 ] || change=(--change "CMD $(jq -cn '$ARGS.positional' --args "$@")")
	tar -C "$ROOTFS" -cf "$WORK/$name.rootfs.tar" .
	podman_ import "${change[@]}" "$WORK/$name.rootfs.tar" "localhost/$name:test" >/dev/null
	podman_ save --format docker-archive -o "$WORK/$name.image.tar" "localhost/$name:test" 2>/dev/null
	ctr_ -n k8s.io images import --snapshotter native "$WORK/$name.image.tar" >/dev/null
}
