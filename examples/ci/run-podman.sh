#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
# One run of a workload with podman, for pipeline.sh: the annotation from
# $TRACE, the seccomp profile from $SECCOMP (empty: unconfined).
# usage: run-podman.sh [PODMAN_OPTION...] -- PODMAN_RUN_ARGS...
#   PODMAN_OPTION: podman's global options (--root, --runroot, ...)
#   PODMAN_RUN_ARGS: what follows `podman run`: options, image, command
set -euo pipefail
opts=()
while [ $# -gt 0 ] && [ "$1" != -- ]; do
	opts+=("$1")
	shift
done
[ $# -gt 1 ] || { echo "usage: run-podman.sh [PODMAN_OPTION...] -- PODMAN_RUN_ARGS..." >&2; exit 2; }
shift
exec podman "${opts[@]}" run --rm --annotation "io.containers.trace-syscall=${TRACE:?}" \
	--security-opt "seccomp=${SECCOMP:-unconfined}" "$@"
