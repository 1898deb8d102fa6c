#!/bin/sh
# The DaemonSet pod's preStop: removes the package and the CRI-O drop-in from
# the node. Profiles stay in /var/lib/oci-seccomp-profiles.
set -eu
# Into the node's namespaces through its init (NODE_PID: any process of the
# node's, where PID 1 cannot be entered). Through the node's env, because
# busybox would run its own applet of a name (dpkg, rm...) before the node's.
on_node() { nsenter --target "${NODE_PID:-1}" --mount --uts --ipc --net -- /usr/bin/env "$@"; }
on_node rm -f /etc/crio/crio.conf.d/50-oci-seccomp-recorder.conf
on_node dpkg -r oci-seccomp-recorder
