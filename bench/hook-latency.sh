#!/usr/bin/env bash
# Hook latency: from exec of the hook to its exit 0 with recording live,
# over N runs (default 20), against a real process that is PID 1 of its own
# PID and mount namespaces, as a container's init is at prestart.
#   bench/hook-latency.sh [HOOK_BINARY] [RUNS]
set -euo pipefail
hook=${1:-/usr/libexec/oci/hooks.d/oci-seccomp-recorder}
runs=${2:-20}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

times=()
for i in $(seq "$runs"); do
	unshare --pid --fork --mount-proc sleep 300 &
	launcher=$!
	target=
	for _ in $(seq 100); do
		target=$(pgrep -P "$launcher" sleep || true)
		[ -n "$target" ] && break
		sleep 0.01
	done
	state="{\"ociVersion\":\"1.0.2\",\"id\":\"bench-$i\",\"pid\":$target,\"bundle\":\"$work\",\"annotations\":{\"io.containers.trace-syscall\":\"of:bench-$i.json\"}}"
	start=$(date +%s%N)
	"$hook" --profile-dir "$work/profiles" <<<"$state"
	end=$(date +%s%N)
	times+=($(((end - start) / 1000)))
	kill -KILL "$target" # a PID namespace's init ignores SIGTERM from outside
	wait "$launcher" || true
done

# Let the tracing children see their targets exit, then prove none is left.
sleep 0.5
left=$(pgrep -fc "^$hook" || true)
printf '%s\n' "${times[@]}" | sort -n | awk -v runs="$runs" -v left="$left" '
	{ t[NR] = $1 }
	END {
		med = (NR % 2) ? t[(NR + 1) / 2] : (t[NR / 2] + t[NR / 2 + 1]) / 2
		printf "hook exec -> exit 0 (recording live), %d runs: median %.1f ms, min %.1f ms, max %.1f ms\n",
			runs, med / 1000, t[1] / 1000, t[NR] / 1000
		printf "tracing children left after their targets exited: %d\n", left
	}'
