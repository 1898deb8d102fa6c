#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
# collect-profiles.sh OUT_DIR: copies each node's profiles into
# OUT_DIR/nodes/NODE/ through the DaemonSet's pods, then merges the profiles
# of the same path from all nodes into OUT_DIR/merged/ (a workload that ran on
# three nodes gets one profile). A pod's profiles are in a directory named
# after its namespace, on the nodes and here: merged/NAMESPACE/NAME.json.
# Needs kubectl and oci-seccomp-recorder on this machine.
set -eu
out=${1:?usage: collect-profiles.sh OUT_DIR}
ns=oci-seccomp-recorder
recorder=${RECORDER:-oci-seccomp-recorder}

kubectl -n "$ns" get pods -l app=oci-seccomp-recorder-profiles \
	-o jsonpath='{range .items[*]}{.metadata.name} {.spec.nodeName}{"\n"}{end}' |
	while read -r pod node; do
		mkdir -p "$out/nodes/$node"
		kubectl -n "$ns" exec "$pod" -c profiles -- tar -C /profiles -cf - . | tar -C "$out/nodes/$node" -xf -
	done

# Globs, not find's output split on whitespace: a file name is never split
# or globbed again, whatever it holds.
for path in "$out"/nodes/*/*.json "$out"/nodes/*/*/*.json; do
	[ -f "$path" ] || continue
	rel=${path#"$out"/nodes/}
	rel=${rel#*/} # NAME.json or NAMESPACE/NAME.json
	[ ! -e "$out/merged/$rel" ] || continue # merged from every node already
	mkdir -p "$(dirname "$out/merged/$rel")"
	"$recorder" merge --output "$out/merged/$rel" "$out"/nodes/*/"$rel"
	echo "$out/merged/$rel"
done
