#!/bin/sh
# The DaemonSet's init container: installs the package on the node with the
# node's own apt, and the CRI-O drop-in for $CRIO_RUNTIME_HANDLER if CRI-O is
# there. Needs hostPID, privileged, and the node's /var/tmp at /host/var/tmp.
set -eu
handler=${CRIO_RUNTIME_HANDLER:-runc}
case "$handler" in runc | crun) ;; *) echo "install.sh: no drop-in for runtime handler '$handler'" >&2; exit 1 ;; esac

cp /oci-seccomp-recorder.deb /host/var/tmp/oci-seccomp-recorder.deb
# Into the node's namespaces through its init (NODE_PID: any process of the
# node's, where PID 1 cannot be entered). Through the node's env, because
# busybox would run its own applet of a name (dpkg, rm...) before the node's.
on_node() { nsenter --target "${NODE_PID:-1}" --mount --uts --ipc --net -- /usr/bin/env "$@"; }
on_node apt-get install -y /var/tmp/oci-seccomp-recorder.deb
on_node rm -f /var/tmp/oci-seccomp-recorder.deb

if on_node test -d /etc/crio; then
	on_node mkdir -p /etc/crio/crio.conf.d
	on_node cp "/usr/share/oci-seccomp-recorder/crio/50-oci-seccomp-recorder-$handler.conf" \
		/etc/crio/crio.conf.d/50-oci-seccomp-recorder.conf
	if [ "${RESTART_CRIO:-false}" = true ]; then
		on_node systemctl restart crio
	fi
fi
echo "install.sh: $(on_node /usr/bin/oci-seccomp-recorder --version) installed"
