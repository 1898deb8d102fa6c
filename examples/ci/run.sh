#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
# One run of a workload, for pipeline.sh: the annotation from $TRACE, the
# seccomp profile from $SECCOMP (empty: unconfined).
#
# usage: run.sh podman [PODMAN_OPTION...] -- PODMAN_RUN_ARGS...
#        run.sh ctr [CTR_OPTION...] -- [RUN_OPTION...] IMAGE [COMMAND...]
#   podman: PODMAN_OPTION are podman's global options (--root, ...),
#     PODMAN_RUN_ARGS what follows `podman run` (options, image, command).
#   ctr: containerd, through this package's runc wrapper ($WRAPPER, else
#     /usr/libexec/oci-seccomp-recorder/runc), which adds the hook to an
#     annotated container as containerd reads no hooks.d. CTR_OPTION are
#     ctr's global options (--address, --namespace), RUN_OPTION ctr run's,
#     each one word (--opt=value).
set -euo pipefail
usage() {
	sed -n 's/^# \(usage:\|       \)/\1/p' "$0" >&2
	exit 2
}
[ $# -gt 0 ] || usage
engine=$1
shift
global=()
while [ $# -gt 0 ] && [ "$1" != -- ]; do
	global+=("$1")
	shift
done
[ $# -gt 1 ] || usage
shift
annotation=io.containers.trace-syscall=${TRACE:?TRACE must hold the annotation value}
case $engine in
podman)
	exec podman "${global[@]}" run --rm --annotation "$annotation" --security-opt "seccomp=${SECCOMP:-unconfined}" "$@"
	;;
ctr)
	run_opts=()
	while [ $# -gt 0 ] && [[ "$1" == -* ]]; do
		run_opts+=("$1")
		shift
	done
	[ $# -gt 0 ] || usage
	image=$1
	shift
	seccomp=()
	[ -z "${SECCOMP:-}" ] || seccomp=(--seccomp --seccomp-profile "$SECCOMP")
	exec ctr "${global[@]}" run --rm --runc-binary "${WRAPPER:-/usr/libexec/oci-seccomp-recorder/runc}" \
		--annotation "$annotation" "${seccomp[@]}" "${run_opts[@]}" "$image" "pipeline-$$-$RANDOM" "$@"
	;;
*)
	usage
	;;
esac
