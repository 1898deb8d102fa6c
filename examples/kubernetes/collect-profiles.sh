#!/bin/sh
# collect-profiles.sh OUT_DIR: copies each node's profiles into OUT_DIR/NODE/
# through the DaemonSet's pods, then merges the profiles of the same name
# from all nodes into OUT_DIR/merged/ (a workload that ran on three nodes
# gets one profile). Needs kubectl and oci-seccomp-recorder on this machine.
set -eu
out=${1:?usage: collect-profiles.sh OUT_DIR}
ns=oci-seccomp-recorder
recorder=${RECORDER:-oci-seccomp-recorder}

kubectl -n "$ns" get pods -l app=oci-seccomp-recorder \
	-o jsonpath='{range .items[*]}{.metadata.name} {.spec.nodeName}{"\n"}{end}' |
	while read -r pod node; do
		mkdir -p "$out/nodes/$node"
		kubectl -n "$ns" exec "$pod" -c profiles -- tar -C /profiles -cf - . | tar -C "$out/nodes/$node" -xf -
	done

mkdir -p "$out/merged"
for name in $(find "$out/nodes" -mindepth 2 -maxdepth 2 -name '*.json' -exec basename {} \; | sort -u); do
	"$recorder" merge --output "$out/merged/$name" "$out"/nodes/*/"$name"
	echo "$out/merged/$name"
done
