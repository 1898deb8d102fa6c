# SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
# shellcheck shell=bash
# Sourced by bench/run.sh and bench/first_load.sh from the source tree's
# root: the build, the integration tests' helpers (private podman storage, a
# rootfs, our hook in a hooks dir of its own, namespaced target processes),
# statistics, and the hook's latency.

cmake -S . -B build >/dev/null
cmake --build build -j"$(nproc)" >/dev/null
export BUILD_DIR=$PWD/build NAMES_BINARY=$PWD/build/bench/bench_names
export HOOK_BINARY=$PWD/build/oci-seccomp-recorder
export PROBE_BINARY=$PWD/build/tests/integration/probe
export HOOKS_TEMPLATE=$PWD/hooks.d/oci-seccomp-recorder.json.in
# shellcheck source=../tests/integration/helpers.bash
source tests/integration/helpers.bash

# --- statistics ---------------------------------------------------------
# Reads numbers, prints "median p25 p75" (nearest rank).
stats() {
	sort -g | awk '{ v[NR] = $1 }
		function rank(p) { i = int(p * NR + 0.5); if (i < 1) i = 1; if (i > NR) i = NR; return v[i] }
		END { if (NR == 0) { print "nan nan nan"; exit } printf "%g %g %g\n", rank(0.5), rank(0.25), rank(0.75) }'
}
median() { stats | cut -d' ' -f1; }
spread() { stats | awk '{ printf "%.4g [%.4g–%.4g]", $1, $2, $3 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f×", a / b; else print "n/a" }'; }
median_of() { echo "${1%% *}"; } # of a spread
# Times come from bash's $EPOCHREALTIME: spawning date would cost milliseconds.

# --- the hook's latency --------------------------------------------------
# From exec of the hook to its exit 0 with recording live, against a process
# that is PID 1 of new PID and mount namespaces (a container's init at prestart).
hook_run_us() { # HOOK [ARGS...] -> microseconds, or "fail"
	local start end state rc=0
	start_target
	state=$(state_json "$TARGET" "of:$PROFILES/lat.json")
	start=${EPOCHREALTIME/./}
	"$@" <<<"$state" >/dev/null 2>"$WORK/hook.err" || rc=$?
	end=${EPOCHREALTIME/./}
	[ "$rc" = 0 ] && echo $((end - start)) || echo "fail $((end - start))"
	stop_target
}
