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

# Globs, not find's output split on whitespace: a file name is never split
# or globbed again, whatever it holds.
mkdir -p "$out/merged"
for path in "$out"/nodes/*/*.json; do
	[ -e "$path" ] || continue
	name=${path##*/}
	[ ! -e "$out/merged/$name" ] || continue # merged from every node already
	"$recorder" merge --output "$out/merged/$name" "$out"/nodes/*/"$name"
	echo "$out/merged/$name"
done
