#!/bin/sh
# The DaemonSet pod's preStop: removes the package and the CRI-O drop-in from
# the node. Profiles stay in /var/lib/oci-seccomp-profiles.
set -eu
on_node() { nsenter --target 1 --mount --uts --ipc --net -- "$@"; }
on_node rm -f /etc/crio/crio.conf.d/50-oci-seccomp-recorder.conf
on_node dpkg -r oci-seccomp-recorder
