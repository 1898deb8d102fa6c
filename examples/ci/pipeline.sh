#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
# The loop a CI job runs to produce one workload's seccomp profile with this
# hook installed (as root), whatever runs the workload:
#   1. record runs, each into a file of its own, until `stability` says the
#      last SETTLE runs found nothing new;
#   2. merge them into NAME.json;
#   3. verify: run under NAME.json with the annotation on, each run adding
#      what it was denied (denied:allow), until a run is denied nothing;
#   4. publish NAME.json as an OCI artifact (and push it, given a registry).
#
# usage: pipeline.sh NAME -- RUN...
#   RUN runs the workload once and returns when it has exited: with the
#   annotation io.containers.trace-syscall set to $TRACE, under the seccomp
#   profile $SECCOMP (a path; empty: unconfined). run.sh podman and
#   run.sh ctr (containerd, through the runc wrapper) are two such commands.
# Environment: PROFILE_DIR (the hook's, /var/lib/oci-seccomp-profiles),
#   SETTLE (3), MAX_RUNS (10), MAX_VERIFY (5), LAYOUT (an OCI layout dir,
#   ./NAME-oci), TAG (latest), REGISTRY (push to REGISTRY/NAME:TAG with
#   skopeo; none: no push), SKOPEO_OPTS (say --dest-tls-verify=false).
# Exit status: 0 published; 1 not stable after MAX_RUNS, or still denied
# after MAX_VERIFY; 2 on a usage error or a run without a report.
set -euo pipefail

if [ $# -lt 3 ] || [ "$2" != -- ]; then
	echo "usage: pipeline.sh NAME -- RUN..." >&2
	exit 2
fi
name=$1
shift 2
dir=${PROFILE_DIR:-/var/lib/oci-seccomp-profiles}
settle=${SETTLE:-3} max_runs=${MAX_RUNS:-10} max_verify=${MAX_VERIFY:-5}
layout=${LAYOUT:-./$name-oci} tag=${TAG:-latest}

# run_recorded FILE TRACE SECCOMP RUN...: one run of the workload, recorded
# as the annotation TRACE says into FILE.json; returns once its report is
# written.
run_recorded() {
	local file=$1
	rm -f "$dir/$file.report.json"
	TRACE=$2 SECCOMP=$3 "${@:4}" || echo "pipeline: $file: the workload exited $?" >&2
	timeout 30 sh -c "until [ -f '$dir/$file.report.json' ]; do sleep 0.1; done" ||
		{ echo "pipeline: no report for $file" >&2; exit 2; }
}

echo "pipeline: 1. record until $settle runs in a row find nothing new (at most $max_runs)"
runs=()
for ((i = 1; i <= max_runs; i++)); do
	run_recorded "$name-run$i" "of:$name-run$i.json" "" "$@"
	runs+=("$dir/$name-run$i.report.json")
	if [ "$i" -gt "$settle" ] && oci-seccomp-recorder stability --settle "$settle" "${runs[@]}"; then
		break
	fi
done
[ "$i" -le "$max_runs" ] || { echo "pipeline: not stable after $max_runs runs" >&2; exit 1; }

echo "pipeline: 2. merge ${#runs[@]} runs into $name.json"
oci-seccomp-recorder merge -o "$dir/$name.json" "${runs[@]/%.report.json/.json}"

echo "pipeline: 3. verify under $name.json until a run is denied nothing (at most $max_verify)"
for ((i = 1; i <= max_verify; i++)); do
	run_recorded "$name" "if:$name.json;of:$name.json;denied:allow" "$dir/$name.json" "$@"
	denied=$(jq -c '.denied' "$dir/$name.report.json")
	echo "pipeline: verify run $i: denied $denied"
	[ "$denied" != "{}" ] || break
done
[ "$i" -le "$max_verify" ] || { echo "pipeline: still denied after $max_verify runs" >&2; exit 1; }

echo "pipeline: 4. publish $name.json"
digest=$(oci-seccomp-recorder merge --oci "$layout:$tag" "$dir/$name.json")
echo "pipeline: $layout:$tag is $digest"
if [ -n "${REGISTRY:-}" ]; then
	# shellcheck disable=SC2086 # SKOPEO_OPTS: options, split on purpose
	skopeo copy ${SKOPEO_OPTS:-} "oci:$layout:$tag" "docker://$REGISTRY/$name:$tag"
	echo "pipeline: pushed $REGISTRY/$name@$digest"
fi
