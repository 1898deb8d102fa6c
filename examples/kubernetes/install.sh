#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
# The DaemonSet's init container: installs the package on the node with the
# node's own apt, then lets the node's container runtime use it:
#   NODE_RUNTIME=crio (default): CRI-O reads hooks.d itself; the drop-in for
#     $CRIO_RUNTIME_HANDLER lets the annotation through.
#   NODE_RUNTIME=containerd: the seccomp-recorder runtime handler (the runc
#     wrapper) appended to $CONTAINERD_CONFIG, once, between markers that
#     uninstall.sh removes.
# Needs hostPID, privileged, and the node's /var/lib/oci-seccomp-recorder-staging
# at /host/staging.
set -eu
runtime=${NODE_RUNTIME:-crio}
handler=${CRIO_RUNTIME_HANDLER:-runc}
case "$runtime" in crio | containerd) ;; *) echo "install.sh: NODE_RUNTIME '$runtime' is neither crio nor containerd" >&2; exit 1 ;; esac
if [ "$runtime" = crio ]; then
	case "$handler" in runc | crun) ;; *) echo "install.sh: no drop-in for runtime handler '$handler'" >&2; exit 1 ;; esac
fi

# Into the node's namespaces through its init (NODE_PID: any process of the
# node's, where PID 1 cannot be entered). Through the node's env, because
# busybox would run its own applet of a name (dpkg, rm...) before the node's.
on_node() { nsenter --target "${NODE_PID:-1}" --mount --uts --ipc --net -- /usr/bin/env "$@"; }
# Staged in a directory only root may write to, and checked there, on the
# node, against the hash the image was built with, before apt runs it.
staged=/var/lib/oci-seccomp-recorder-staging/oci-seccomp-recorder.deb
cp /oci-seccomp-recorder.deb /host/staging/oci-seccomp-recorder.deb
echo "$(cat /oci-seccomp-recorder.deb.sha256)  $staged" | on_node sha256sum -c --quiet -
on_node apt-get install -y "$staged"
on_node rm -f "$staged"

if [ "$runtime" = crio ] && on_node test -d /etc/crio; then
	on_node mkdir -p /etc/crio/crio.conf.d
	on_node cp "/usr/share/oci-seccomp-recorder/crio/50-oci-seccomp-recorder-$handler.conf" \
		/etc/crio/crio.conf.d/50-oci-seccomp-recorder.conf
	if [ "${RESTART_CRIO:-false}" = true ]; then
		on_node systemctl restart crio
	fi
fi

if [ "$runtime" = containerd ]; then
	config=${CONTAINERD_CONFIG:-/etc/containerd/config.toml}
	on_node test -f "$config" || { echo "install.sh: no containerd config $config on the node" >&2; exit 1; }
	# Config version 3 is containerd 2.x's; 2 (or none) is 1.6's and 1.7's.
	# shellcheck disable=SC2016 # expanded by the node's sh
	on_node sh -c '
		config=$1
		grep -qx "# BEGIN oci-seccomp-recorder" "$config" && exit 0
		version=2
		grep -Eq "^version *= *3" "$config" && version=3
		{
			echo "# BEGIN oci-seccomp-recorder"
			cat "/usr/share/oci-seccomp-recorder/containerd/config-v$version.toml"
			echo "# END oci-seccomp-recorder"
		} >>"$config"' sh "$config"
	if [ "${RESTART_CONTAINERD:-false}" = true ]; then
		on_node systemctl restart containerd
	fi
fi
echo "install.sh: $(on_node /usr/bin/oci-seccomp-recorder --version) installed"
