#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
# One run of a workload with containerd's ctr, for pipeline.sh: through this
# package's runc wrapper (which adds the hook to an annotated container, as
# containerd reads no hooks.d), the annotation from $TRACE, the seccomp
# profile from $SECCOMP (empty: unconfined).
# usage: run-ctr.sh [CTR_OPTION...] -- [RUN_OPTION...] IMAGE [COMMAND...]
#   CTR_OPTION: ctr's global options (--address, --namespace)
#   RUN_OPTION: ctr run's, each one word (--opt=value)
# Environment: WRAPPER (/usr/libexec/oci-seccomp-recorder/runc).
set -euo pipefail
opts=()
while [ $# -gt 0 ] && [ "$1" != -- ]; do
	opts+=("$1")
	shift
done
shift
run_opts=()
while [ $# -gt 0 ] && [[ "$1" == -* ]]; do
	run_opts+=("$1")
	shift
done
[ $# -gt 0 ] || { echo "usage: run-ctr.sh [CTR_OPTION...] -- [RUN_OPTION...] IMAGE [COMMAND...]" >&2; exit 2; }
image=$1
shift
seccomp=()
[ -z "${SECCOMP:-}" ] || seccomp=(--seccomp --seccomp-profile "$SECCOMP")
exec ctr "${opts[@]}" run --rm --runc-binary "${WRAPPER:-/usr/libexec/oci-seccomp-recorder/runc}" \
	--annotation "io.containers.trace-syscall=${TRACE:?}" "${seccomp[@]}" "${run_opts[@]}" "$image" "pipeline-$$-$RANDOM" "$@"
