#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
# uninstall.yaml's init container: takes the recorder out of the node's
# container runtime (the CRI-O drop-in, or the block install.sh appended to
# containerd's config), then removes the package. Profiles stay in
# /var/lib/oci-seccomp-profiles. Needs hostPID and privileged.
set -eu
# Into the node's namespaces through its init (NODE_PID: any process of the
# node's, where PID 1 cannot be entered). Through the node's env, because
# busybox would run its own applet of a name (dpkg, rm...) before the node's.
on_node() { nsenter --target "${NODE_PID:-1}" --mount --uts --ipc --net -- /usr/bin/env "$@"; }
on_node rm -f /etc/crio/crio.conf.d/50-oci-seccomp-recorder.conf
if [ "${NODE_RUNTIME:-crio}" = containerd ]; then
	config=${CONTAINERD_CONFIG:-/etc/containerd/config.toml}
	on_node sed -i '/^# BEGIN oci-seccomp-recorder$/,/^# END oci-seccomp-recorder$/d' "$config"
	if [ "${RESTART_CONTAINERD:-false}" = true ]; then
		on_node systemctl restart containerd
	fi
fi
on_node dpkg -r oci-seccomp-recorder
on_node rm -rf /var/lib/oci-seccomp-recorder-staging
