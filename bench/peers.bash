# SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
# shellcheck shell=bash
# Sourced by bench/run.sh after its own sections: the other ways a user could
# record a container's syscalls, on the same workloads in the same run,
# beside this recorder (unconfined, and under podman's default filter):
#   log       a profile whose default action is SCMP_ACT_LOG, read back from
#             the kernel's log (no auditd runs: the kernel prints the records)
#   strace    strace -f wrapping the entrypoint, its trace in a file
#   bpftrace  a one-liner on raw_syscalls:sys_enter filtered by the
#             container's cgroup, made before the container starts so that
#             it sees the container from its first moment in it
# bench/to_profile.py turns what each leaves into a profile. Every container
# runs in a read-only Debian rootfs (python3, nginx, strace) with the bench's
# static programs at /bench. Fills PEER_ROWS, the peers table.

PEERS_ROOTFS=$BUILD_DIR/peers-rootfs
debian_rootfs "$PEERS_ROOTFS" python3,nginx-light,strace
PEERS=$WORK/peers
mkdir -p "$PEERS"
TO_PROFILE=$PWD/bench/to_profile.py
WAYS=(ours ours-filter log strace bpftrace)
# strace and SCMP_ACT_LOG cost microseconds a call: fewer calls, same ns/call.
SLOW_N=$((LOOP_N / 100))
cat >"$PEERS/log-everything.json" <<'JSON'
{"defaultAction": "SCMP_ACT_LOG", "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"], "syscalls": []}
JSON
# bpftrace's tracepoints need tracefs, which this kernel does not mount.
TRACEFS_MOUNTED=
if ! mountpoint -q /sys/kernel/tracing; then
	mount -t tracefs tracefs /sys/kernel/tracing
	TRACEFS_MOUNTED=1
fi
peers_cleanup() {
	pkill -INT -f "cgroupid\\(\"$CGROUP_ROOT" 2>/dev/null || true
	[ -z "$TRACEFS_MOUNTED" ] || umount /sys/kernel/tracing
	TRACEFS_MOUNTED= # once: the bench's exit calls this again
}
# Where podman (cgroupfs) puts a container's cgroup on the unified hierarchy.
CGROUP_ROOT=/sys/fs/cgroup/unified/libpod_parent
[ -d /sys/fs/cgroup/unified ] || CGROUP_ROOT=/sys/fs/cgroup/libpod_parent

# The kernel's printk rate limit lets 10 audit records through per 5 s: a
# LOG recording starts with a full allowance, as a user's first would.
fresh_log_allowance() { sleep 5.5; }

# peer_start WAY NAME COMMAND...: container NAME runs COMMAND, its syscalls
# recorded by WAY ("none": not recorded, unconfined; "none-filter": not
# recorded, under podman's default filter).
peer_start() {
	local way=$1 name=$2 options=(--read-only -v "$PWD/build/bench:/bench:ro" -v "$PEERS:/out"
		-v "$PWD/tests/integration/debian:/workload:ro" --name "$2" --cgroup-parent /libpod_parent)
	shift 2
	case $way in
	ours) options+=(--security-opt seccomp=unconfined --annotation "$ANNOTATION=of:$name.json") ;;
	ours-filter) options+=(--annotation "$ANNOTATION=of:$name.json") ;;
	log) options+=(--security-opt "seccomp=$PEERS/log-everything.json") ;;
	strace) options+=(--security-opt seccomp=unconfined) && set -- /usr/bin/strace -f -qq -o "/out/$name.trace" -- "$@" ;;
	bpftrace | none) options+=(--security-opt seccomp=unconfined) ;;
	none-filter) ;;
	esac
	[ -z "${PEER_CPU:-}" ] || options+=(--cpuset-cpus "$PEER_CPU")
	local id
	id=$(podman_in create "$PEERS_ROOTFS" "${options[@]}" -- "$@")
	case $way in
	log) "$TO_PROFILE" kmsg-seq >"$PEERS/$name.seq" ;;
	bpftrace)
		mkdir -p "$CGROUP_ROOT/libpod-$id"
		bpftrace -e "tracepoint:raw_syscalls:sys_enter /cgroup == cgroupid(\"$CGROUP_ROOT/libpod-$id\")/ { @[args->id] = count(); }" \
			>"$PEERS/$name.bpftrace" 2>"$PEERS/$name.bpftrace.err" &
		echo $! >"$PEERS/$name.pid"
		wait_until 30 bpftrace_attached $! || { echo "bench: bpftrace did not attach: $(cat "$PEERS/$name.bpftrace.err")" >&2; return 1; }
		;;
	esac
	podman_ start "$name" >/dev/null
}
bpftrace_attached() { bpftool -j perf show | jq -e --argjson pid "$1" 'any(.[]; .pid == $pid)' >/dev/null; }

# peer_wait NAME: until it exits; its output in NAME.stdout.
peer_wait() {
	podman_ wait "$1" >/dev/null
	podman_ logs "$1" >"$PEERS/$1.stdout" 2>&1
}

# peer_end WAY NAME: the container and its recorder, gone.
peer_end() {
	podman_ rm -f -t 0 "$2" >/dev/null
	if [ "$1" = bpftrace ] && [ -e "$PEERS/$2.pid" ]; then
		kill -INT "$(cat "$PEERS/$2.pid")" 2>/dev/null || true
		wait "$(cat "$PEERS/$2.pid")" 2>/dev/null || true
		rm -f "$PEERS/$2.pid"
	fi
	if [[ $1 == ours* ]]; then wait_until 30 no_tracing_child; fi
}

# peer_collect WAY NAME: after the container exited, its profile as
# NAME.json; NAME.ms the conversion's time (for bpftrace from the signal that
# stops it: its map is printed then), NAME.bytes what the way left to
# collect; for log, NAME.lost the records the kernel dropped and NAME.made all
# it made.
peer_collect() {
	local way=$1 name=$2 start
	start=${EPOCHREALTIME/./}
	case $way in
	ours*)
		wait_for_profile "$name"
		cp "$PROFILES/$name.json" "$PEERS/$name.json"
		stat -c %s "$PROFILES/$name.json" "$PROFILES/$name.report.json" | paste -sd+ | bc >"$PEERS/$name.bytes"
		;;
	log)
		local from to
		from=$(cat "$PEERS/$name.seq")
		to=$("$TO_PROFILE" kmsg-seq)
		"$TO_PROFILE" log "$from" "$to" "$PEERS/$name.json" >/dev/null
		echo $((${EPOCHREALTIME/./} - start)) >"$PEERS/$name.us"
		read -r printed bytes < <("$TO_PROFILE" log-size "$from" "$to")
		echo "$bytes" >"$PEERS/$name.bytes"
		# What the rate limit dropped, the kernel says before the next record
		# it prints once the allowance is back.
		fresh_log_allowance
		"$TO_PROFILE" log-marker
		"$TO_PROFILE" suppressed "$from" >"$PEERS/$name.lost"
		echo $((printed + $(cat "$PEERS/$name.lost"))) >"$PEERS/$name.made"
		;;
	strace)
		"$TO_PROFILE" strace "$PEERS/$name.trace" "$PEERS/$name.json" >/dev/null
		echo $((${EPOCHREALTIME/./} - start)) >"$PEERS/$name.us"
		stat -c %s "$PEERS/$name.trace" >"$PEERS/$name.bytes"
		;;
	bpftrace)
		kill -INT "$(cat "$PEERS/$name.pid")"
		wait "$(cat "$PEERS/$name.pid")" || true
		rm -f "$PEERS/$name.pid"
		"$TO_PROFILE" bpftrace "$PEERS/$name.bpftrace" "$PEERS/$name.json" >/dev/null
		echo $((${EPOCHREALTIME/./} - start)) >"$PEERS/$name.us"
		stat -c %s "$PEERS/$name.bpftrace" >"$PEERS/$name.bytes"
		;;
	esac
}

# peer_record WAY NAME COMMAND...: start, wait, collect, end.
peer_record() {
	if [ "$1" = log ]; then # what was dropped before is told first, then a full allowance
		fresh_log_allowance
		"$TO_PROFILE" log-marker
		fresh_log_allowance
	fi
	peer_start "$@"
	peer_wait "$2"
	peer_collect "$1" "$2"
	peer_end "$1" "$2"
}

# getppid loops run on every CPU in turn, REPS on each: on this VM the perf
# tracepoint bpftrace attaches costs a syscall on CPU 0 twice what it costs on
# CPU 1, so a loop left to the scheduler measures where it landed. A figure
# is the mean of the CPUs' medians, which follow it: "MEAN [cpu0 M0, cpu1 M1]".
CPUS=$(seq 0 $(($(nproc) - 1)))
over_cpus() { # "CPU NS" lines on stdin
	local lines c
	lines=$(cat)
	for c in $CPUS; do awk -v c="$c" '$1 == c { print $2 }' <<<"$lines" | median; done |
		awk '{ s += $1; l = l (NR > 1 ? ", " : "") "cpu" NR - 1 " " $1 } END { printf "%.4g [%s]\n", s / NR, l }'
}
# One loop on each CPU, as "CPU NS" lines: on the host, or in a container
# recorded by WAY (peer_round WAY N TAG).
host_round() {
	local c
	for c in $CPUS; do echo "$c $(taskset -c "$c" build/bench/bench_loop "$LOOP_N" | loop_ns)"; done
}
peer_round() {
	local c name
	for c in $CPUS; do
		name=loop-$1-$3-$c
		PEER_CPU=$c peer_start "$1" "$name" /bench/bench_loop "$2"
		peer_wait "$name"
		echo "$c $(loop_ns <"$PEERS/$name.stdout")"
		peer_end "$1" "$name"
	done
}

names_of() { jq -r '.syscalls[].names[]' "$PEERS/$1.json" | sort -u; }
some() { head -n "$1" | paste -sd, | sed 's/,/, /g'; } # the first N lines, in a list

# --- the measures -----------------------------------------------------------
declare -A peer_inside peer_host peer_beside base_inside base_host base_beside peer_found peer_leaks peer_misses peer_bytes peer_names peer_replay peer_convert peer_lost
for way in "${WAYS[@]}"; do
	n=$LOOP_N
	[[ $way != log && $way != strace ]] || n=$SLOW_N
	unrecorded=none # the baseline inside: the same container, not recorded
	[ "$way" != ours-filter ] || unrecorded=none-filter
	# Every figure in rounds beside its baseline (nothing recorded), one
	# round of each in turn: the VM's speed drifts over the minutes a way
	# takes (a getppid on the host cost 203 ns at the start of one run's
	# section, 170 ns ten minutes later), which a baseline measured once for
	# all ways turned into ratios below 1.
	inside='' base_in='' host='' base_h='' beside='' base_b=''
	for i in $(seq "$REPS"); do
		base_in+=$(peer_round "$unrecorded" "$LOOP_N" "$way-$i")$'\n'
		inside+=$(peer_round "$way" "$n" "$i")$'\n'
		base_h+=$(host_round)$'\n'
		base_b+=$(peer_round none "$LOOP_N" "beside-$way-$i")$'\n'
		# The node and an unrecorded container beside, while WAY records one.
		peer_start "$way" "held-$way-$i" /bin/sleep 600
		host+=$(host_round)$'\n'
		beside+=$(peer_round none "$LOOP_N" "beside-held-$way-$i")$'\n'
		peer_end "$way" "held-$way-$i"
	done
	peer_inside[$way]=$(over_cpus <<<"$inside")
	base_inside[$way]=$(over_cpus <<<"$base_in")
	peer_host[$way]=$(over_cpus <<<"$host")
	base_host[$way]=$(over_cpus <<<"$base_h")
	peer_beside[$way]=$(over_cpus <<<"$beside")
	base_beside[$way]=$(over_cpus <<<"$base_b")

	# The burst, right after start: what it finds, and what it finds beyond
	# the burst and what this recorder finds (the runtime's set-up, the
	# tracer's own), or short of that.
	peer_record "$way" "burst-$way" /bench/bench_burst
	"$NAMES_BINARY" <"$PEERS/burst-$way.stdout" | sort -u >"$PEERS/burst.expected"
	peer_found[$way]="$(comm -12 "$PEERS/burst.expected" <(names_of "burst-$way") | wc -l) of $(wc -l <"$PEERS/burst.expected")"
	[ "$way" != log ] || peer_lost[burst]="$(cat "$PEERS/burst-log.lost") of $(cat "$PEERS/burst-log.made") records dropped"

	# python3 and nginx: what the way leaves, and whether its profile runs it.
	conv=()
	for i in $(seq "$REPS"); do
		peer_record "$way" "web-$way-$i" /usr/bin/python3 /workload/workload.py
		[ ! -e "$PEERS/web-$way-$i.us" ] || conv+=("$(cat "$PEERS/web-$way-$i.us")")
	done
	[ "${#conv[@]}" = 0 ] || peer_convert[$way]="$(printf '%s\n' "${conv[@]}" | awk '{ print $1 / 1000 }' | spread)"
	peer_bytes[$way]=$(cat "$PEERS"/web-"$way"-*.bytes | median)
	peer_names[$way]=$(names_of "web-$way-1" | wc -l)
	[ "$way" != log ] || peer_lost[web]="$(cat "$PEERS"/web-log-*.lost | median) of $(cat "$PEERS"/web-log-*.made | median) records dropped"
	if podman_in run "$PEERS_ROOTFS" --rm --read-only -v "$PWD/tests/integration/debian:/workload:ro" \
		--security-opt "seccomp=$PEERS/web-$way-1.json" -- /usr/bin/python3 /workload/workload.py >"$PEERS/replay-$way.out" 2>&1 &&
		cmp -s "$PEERS/replay-$way.out" "$PEERS/web-$way-1.stdout"; then
		peer_replay[$way]="runs the same"
	else
		peer_replay[$way]="fails: $({ grep -m 1 '^Error: ' "$PEERS/replay-$way.out" || tail -n 1 "$PEERS/replay-$way.out"; } | sed -E "s|/[^ :]*/|…/|g" | cut -c1-120)"
	fi
done
for way in "${WAYS[@]}"; do
	peer_leaks[$way]=$(comm -13 <({ names_of burst-ours; cat "$PEERS/burst.expected"; } | sort -u) <(names_of "burst-$way"))
	peer_misses[$way]=$(comm -23 <(names_of burst-ours) <(names_of "burst-$way") | comm -23 - "$PEERS/burst.expected")
done
# Ours from the container's exit: its init's last moment to the profile on disk.
for way in ours ours-filter; do
	gaps=()
	for i in $(seq "$REPS"); do
		peer_start "$way" "exit-$way-$i" /bench/bench_loop 0 "/out/exit-$way-$i.stamp"
		peer_wait "exit-$way-$i"
		wait_for_profile "exit-$way-$i"
		gaps+=($(($(stat -c %.9Z "$PROFILES/exit-$way-$i.json" | tr -d .) - $(cat "$PEERS/exit-$way-$i.stamp"))))
		peer_end "$way" "exit-$way-$i"
	done
	peer_convert[$way]="$(printf '%s\n' "${gaps[@]}" | awk '{ print $1 / 1e6 }' | spread) from init exit"
done
peers_cleanup

# --- the table: a column per way --------------------------------------------
PEER_ROWS=()
peer_row() { # MEASURE CELL... (one per way, then the reference hook's)
	local line="| $1 |"
	shift
	for cell in "$@"; do line+=" $cell |"; done
	PEER_ROWS+=("$line")
}
per_way() { # FUNCTION: its output for each way, as cells
	CELLS=()
	for way in "${WAYS[@]}"; do CELLS+=("$("$1" "$way")"); done
}
cell_loops() { # FIGURE BASELINE: "MEAN (RATIO of BASELINE's MEAN) [per CPU]"
	echo "$(median_of "$1") ($(ratio "$(median_of "$1")" "$(median_of "$2")") of $(median_of "$2")) ${1#* }"
}
cell_inside() { cell_loops "${peer_inside[$1]}" "${base_inside[$1]}"; }
cell_host() { cell_loops "${peer_host[$1]}" "${base_host[$1]}"; }
cell_beside() { cell_loops "${peer_beside[$1]}" "${base_beside[$1]}"; }
cell_found() { echo "${peer_found[$1]}"; }
cell_leaks() { [ -z "${peer_leaks[$1]}" ] && echo none || echo "$(wc -l <<<"${peer_leaks[$1]}"): $(some 5 <<<"${peer_leaks[$1]}")"; }
cell_misses() { [ -z "${peer_misses[$1]}" ] && echo none || echo "$(wc -l <<<"${peer_misses[$1]}"): $(some 5 <<<"${peer_misses[$1]}")"; }
cell_bytes() { echo "${peer_bytes[$1]} B, ${peer_names[$1]} names"; }
cell_replay() { echo "${peer_replay[$1]}"; }
cell_convert() { echo "${peer_convert[$1]}"; }
cell_lost() {
	case $1 in
	log) echo "burst: ${peer_lost[burst]}; python3 + nginx: ${peer_lost[web]} (the kernel prints 10 per 5 s)" ;;
	strace) echo "none (a ptrace stop per syscall)" ;;
	bpftrace) echo "none (counts in a map)" ;;
	*) echo "$(( ${peer_found[$1]##* } - ${peer_found[$1]%% *} )) of the burst unseen (seccomp denies before sys_enter)" ;;
	esac
}
REF_CELL=${REF_FAILS:-runs: see rows 1, 2' and 6'}
peer_row "way" "this recorder, unconfined" "this recorder, podman's default filter" "SCMP_ACT_LOG profile, kernel log" "strace -f" "bpftrace, cgroup filter" "oci-seccomp-bpf-hook"
peer_row "---" --- --- --- --- --- ---
per_way cell_inside
peer_row "getppid in the recorded container, ns, mean of the CPUs' medians (× the same container unrecorded, under the same filter, in rounds taken in turn)" "${CELLS[@]}" "$REF_CELL"
per_way cell_host
peer_row "getppid on the host meanwhile, ns (× nothing recorded, in rounds taken in turn)" "${CELLS[@]}" ""
per_way cell_beside
peer_row "getppid in an unrecorded container beside, ns (× the same with nothing recorded, in rounds taken in turn)" "${CELLS[@]}" ""
per_way cell_found
peer_row "burst of distinct syscalls right after start: found" "${CELLS[@]}" ""
per_way cell_leaks
peer_row "beyond the burst and this recorder's: set-up leaking in" "${CELLS[@]}" ""
per_way cell_misses
peer_row "short of this recorder's (what the runtime and loader do after the filter is in)" "${CELLS[@]}" ""
per_way cell_bytes
peer_row "python3 + nginx: output to collect (median of $REPS), names" "${CELLS[@]}" ""
per_way cell_replay
peer_row "python3 + nginx under the profile it made" "${CELLS[@]}" ""
per_way cell_convert
peer_row "to a usable profile, ms: ours from init exit; others the conversion (bench/to_profile.py; bpftrace from its stop)" "${CELLS[@]}" ""
per_way cell_lost
peer_row "lost" "${CELLS[@]}" ""
