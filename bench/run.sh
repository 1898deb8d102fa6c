#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
# The benchmark: what recording costs a container and the node, measured in
# one run on this machine, each figure against a baseline from the same run,
# then side by side with every other way of recording (bench/peers.bash):
# SCMP_ACT_LOG, strace, bpftrace and oci-seccomp-bpf-hook where it can run.
#
#   bench/run.sh            (as root; RUNS=20 REPS=5 LOOP_N=10000000 MASS=100 by default)
#
# Prints two tables and writes them to bench/results.md with a plot,
# bench/overhead.png. Not a pass/fail test.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-20}
REPS=${REPS:-5}
LOOP_N=${LOOP_N:-10000000}
MASS=${MASS:-100}
export DEBIAN_FRONTEND=noninteractive

[ "$(id -u)" = 0 ] || { echo "bench/run.sh: run as root (it loads BPF and runs rootful containers)" >&2; exit 1; }
for pkg in gnuplot-nox libbpfcc bpftrace strace; do
	dpkg -s "$pkg" >/dev/null 2>&1 || apt-get install -y -q "$pkg" >/dev/null
done
# shellcheck source=lib.bash
source bench/lib.bash
setup_recorder
trap '! type peers_cleanup >/dev/null 2>&1 || peers_cleanup; stop_target; stop_containerd >/dev/null; { ! mountpoint -q "$PROFILES" || umount "$PROFILES"; }; teardown_recorder >/dev/null' EXIT
cp build/bench/bench_loop build/bench/bench_burst "$ROOTFS/bin/"
mkdir -m 0700 "$PROFILES"

ROWS=()
row() { ROWS+=("| $1 | $2 | $3 | $4 |"); printf '%-52s %-28s %-28s %s\n' "$1" "$2" "$3" "$4"; }

# --- the reference hook, unpacked (never installed: its hooks.d JSON would
# make every annotated container on the machine run it) -------------------
REF_DIR=$WORK/reference
mkdir -p "$REF_DIR/hooks"
(cd "$REF_DIR" && apt-get download oci-seccomp-bpf-hook >/dev/null 2>&1 && dpkg-deb -x oci-seccomp-bpf-hook_*.deb root)
REF_HOOK=$REF_DIR/root/usr/libexec/oci/hooks.d/oci-seccomp-bpf-hook
cat >"$REF_DIR/hooks/ref.json" <<JSON
{"version": "1.0.0", "hook": {"path": "$REF_HOOK", "args": ["oci-seccomp-bpf-hook", "-s"]},
 "when": {"annotations": {"^io\\\\.containers\\\\.trace-syscall\$": ".*"}}, "stages": ["prestart"]}
JSON
ref_podman() {
	podman --root "$WORK/storage" --runroot "$WORK/run" --storage-driver vfs --cgroup-manager cgroupfs \
		--events-backend none --hooks-dir "$REF_DIR/hooks" run --runtime runc --network none \
		--ulimit nofile=1024:1024 --ulimit nproc=1024:1024 "$@"
}

echo "oci-seccomp-recorder benchmark on $(uname -r), $(nproc) CPUs; RUNS=$RUNS REPS=$REPS LOOP_N=$LOOP_N"
printf '%-52s %-28s %-28s %s\n' figure "oci-seccomp-recorder" "baseline (same run)" ratio

# bench_loop's ns per call; getppid on the host, the median of REPS loops.
loop_ns() { awk '/ns\/call/ { print $1 }'; }
one_loop() { build/bench/bench_loop "$LOOP_N" | loop_ns; }
host_loop() { for _ in $(seq "$REPS"); do one_loop; done | median; }
# The program is loaded and pinned, attached nowhere.
lingers() { [[ "$(our_bpf_objects)" == "progs=5 "*" links=0 "* ]]; }

# --- 1. hook latency ----------------------------------------------------
hook_latency_ms() { # [HOOK ARGS...] (no linger unless they say)
	for _ in $(seq "$RUNS"); do hook_run_us "$HOOK_BINARY" --profile-dir "$PROFILES" --linger 0 "$@"; done |
		awk '{ print $1 / 1000 }' | spread
}
# Cold: no recording on the node, so the hook loads and attaches the program:
# the first time on this kernel (no BTF cache), then as every later first
# recording does (the first one wrote the cache).
lat_uncached=$(hook_latency_ms --btf-cache '')
wait_until 10 nothing_left
hook_run_us "$HOOK_BINARY" --profile-dir "$PROFILES" --linger 0 --btf-cache "$WORK/btf-cache" >/dev/null
wait_until 10 nothing_left
[ -n "$(ls "$WORK/btf-cache")" ] || { echo "bench/run.sh: the hook wrote no BTF cache" >&2; exit 1; }
lat_cold=$(hook_latency_ms --btf-cache "$WORK/btf-cache")
wait_until 10 nothing_left
# Warm: another container is being recorded, so the program is there already.
run_container -d --name keeper --annotation "$ANNOTATION=of:keeper.json" -- /bin/sleep 600 >/dev/null
lat_warm=$(hook_latency_ms)
podman_ rm -f -t 0 keeper >/dev/null
wait_until 10 nothing_left
# Lingering: the last recording out left the program loaded and detached
# (--linger), so each of these only attaches it (one load first, not counted).
hook_run_us "$HOOK_BINARY" --profile-dir "$PROFILES" --linger 600 --btf-cache "$WORK/btf-cache" >/dev/null
lat_linger=$(hook_latency_ms --linger 600 --btf-cache "$WORK/btf-cache")
wait_until 10 lingers
# What it holds meanwhile: its maps' and programs' locked memory, and the
# waiting process's.
linger_prog_kb=$(bpftool -j prog show | jq --argjson names "$(our_program_names | jq -Rnc '[inputs[:15]]')" \
	'[.[] | select(.name | IN($names[])) | .bytes_memlock] | add / 1024 | floor')
linger_map_kb=$(bpftool -j map show | jq --argjson used "$(bpftool -j prog show | jq -c --argjson names "$(our_program_names | jq -Rnc '[inputs[:15]]')" '[.[] | select(.name | IN($names[])) | .map_ids // [] | .[]]')" \
	'[.[] | select(.id | IN($used[])) | .bytes_memlock] | add / 1024 | floor')
linger_waiter_kb=$(awk '/VmRSS/ { print $2 }' "/proc/$(tracing_children | head -n 1)/status")
# Host getppid while it lingers against nothing loaded, in pairs taken in
# turn (ABBA) so that the VM's drift falls on both sides alike.
unload() { "$HOOK_BINARY" cleanup >/dev/null && wait_until 10 nothing_left; }
relinger() {
	lingers || hook_run_us "$HOOK_BINARY" --profile-dir "$PROFILES" --linger 600 --btf-cache "$WORK/btf-cache" >/dev/null
	wait_until 10 lingers
}
linger_pairs=()
for i in $(seq "$REPS"); do
	if ((i % 2)); then
		relinger
		l=$(one_loop)
		unload
		n=$(one_loop)
	else
		unload
		n=$(one_loop)
		relinger
		l=$(one_loop)
	fi
	linger_pairs+=("$l $n")
done
unload
linger_host=$(printf '%s\n' "${linger_pairs[@]}" | cut -d' ' -f1 | spread)
linger_base=$(printf '%s\n' "${linger_pairs[@]}" | cut -d' ' -f2 | spread)
linger_pair_ratio=$(printf '%s\n' "${linger_pairs[@]}" | awk '{ print $1 / $2 }' | stats | awk '{ printf "%.3f× [%.3f–%.3f]", $1, $2, $3 }')
ref_lat=$(hook_run_us "$REF_HOOK" -s)
ref_why=$(grep -o 'msg="[^"]*' "$WORK/hook.err" | tail -n 1 | cut -c6- || true)
if [[ $ref_lat == fail* ]]; then
	ref_cell="fails after $(awk -v us="${ref_lat#fail }" 'BEGIN { printf "%.1f s", us / 1e6 }'): ${ref_why:-see its log}"
	REF_FAILS="oci-seccomp-bpf-hook cannot record here: ${ref_why:-it failed}"
else
	ref_cell="$(awk -v us="$ref_lat" 'BEGIN { printf "%.1f ms", us / 1000 }')"
	REF_FAILS=
fi
row "1. hook latency, ms (median [p25–p75], $RUNS runs): first recording on the node" "$lat_cold" "reference hook: $ref_cell" "$(ratio "$(median_of "$lat_cold")" "$(median_of "$lat_warm")") of warm"
row "1. ... the first on this kernel (no BTF cache yet)" "$lat_uncached" "" "$(ratio "$(median_of "$lat_uncached")" "$(median_of "$lat_warm")") of warm"
row "1. ... while another container is being recorded (warm)" "$lat_warm" "" ""
row "1. ... while the program lingers after the last recording (attach, no load)" "$lat_linger" "" "$(ratio "$(median_of "$lat_linger")" "$(median_of "$lat_warm")") of warm"
# Where the first load goes (bench/load.cpp): the kernel's BTF, then each
# program loaded alone (its relocation, verification and the maps it uses).
load_parts=$(build/bench/bench_load "$REPS" | awk '{ v = $NF; $NF = ""; sub(/ $/, ""); printf "%s%s %s ms", (NR > 1 ? "; " : ""), $0, v }')
row "1. ... where the first load goes (median of $REPS)" "$load_parts" "" ""

# --- 2. container start -------------------------------------------------
start_ms() { # a command that starts and runs a container -> ms
	local start end
	start=${EPOCHREALTIME/./}
	"$@" >/dev/null 2>&1 || { echo fail; return; }
	end=${EPOCHREALTIME/./}
	echo $(((end - start) / 1000))
}
plain=() recorded=()
for i in $(seq "$RUNS"); do
	plain+=("$(start_ms run_container --rm -- /bin/true)")
	recorded+=("$(start_ms run_container --rm --annotation "$ANNOTATION=of:start-$i.json" -- /bin/true)")
done
p=$(printf '%s\n' "${plain[@]}" | median)
r=$(printf '%s\n' "${recorded[@]}" | median)
row "2. podman run --rm /bin/true, ms" "$(printf '%s\n' "${recorded[@]}" | spread)" "not recorded: $(printf '%s\n' "${plain[@]}" | spread)" "$(ratio "$r" "$p")"
ref_start=$(start_ms ref_podman --rm --annotation "$ANNOTATION=of:/tmp/ref-start.json" --rootfs "$ROOTFS" /bin/true)
[ "$ref_start" = fail ] && ref_start="container does not start: ${REF_FAILS#*: }"
row "2'. the same with the reference hook, ms" "" "$ref_start" ""

# --- 3. traced workload slowdown ------------------------------------------
plain=() recorded=()
for i in $(seq "$REPS"); do
	plain+=("$(run_container --rm -- /bin/bench_loop "$LOOP_N" | loop_ns)")
	recorded+=("$(run_container --rm --annotation "$ANNOTATION=of:loop-$i.json" -- /bin/bench_loop "$LOOP_N" | loop_ns)")
done
p=$(printf '%s\n' "${plain[@]}" | median)
r=$(printf '%s\n' "${recorded[@]}" | median)
row "3. getppid in a container, ns/call ($REPS×$LOOP_N)" "recorded: $(printf '%s\n' "${recorded[@]}" | spread)" "not recorded: $(printf '%s\n' "${plain[@]}" | spread)" "$(ratio "$r" "$p")"
# Against a container that is not recorded while another one is (the same
# programs attached): what recording adds for the recorded container itself.
run_container -d --name keeper --annotation "$ANNOTATION=of:keeper.json" -- /bin/sleep 600 >/dev/null
beside=() recorded=()
for i in $(seq "$REPS"); do
	beside+=("$(run_container --rm -- /bin/bench_loop "$LOOP_N" | loop_ns)")
	recorded+=("$(run_container --rm --annotation "$ANNOTATION=of:loop-b$i.json" -- /bin/bench_loop "$LOOP_N" | loop_ns)")
done
podman_ rm -f -t 0 keeper >/dev/null
wait_until 10 nothing_left
b=$(printf '%s\n' "${beside[@]}" | median)
r=$(printf '%s\n' "${recorded[@]}" | median)
row "3. ... against one not recorded beside a recording" "recorded: $(printf '%s\n' "${recorded[@]}" | spread)" "not recorded, beside: $(printf '%s\n' "${beside[@]}" | spread)" "$(ratio "$r" "$b")"

# --- 4. cost to everyone else, 5. memory ---------------------------------
base=$(host_loop)
fifo=$WORK/floor.fifo
mkfifo "$fifo"
build/bench/bench_floor <"$fifo" >"$WORK/floor.out" &
exec 7>"$fifo"
wait_until 10 grep -q attached "$WORK/floor.out"
floor=$(host_loop)
exec 7>&-
wait
row "4. getppid on the host, ns/call: nothing attached" "" "$base" ""
row "4. ... while the program lingers, detached ($REPS pairs, in turn)" "$linger_host" "nothing loaded, in the same pairs: $linger_base" "$linger_pair_ratio per pair; it holds ${linger_map_kb} KiB of maps, ${linger_prog_kb} KiB of programs, a ${linger_waiter_kb} KiB process"
row "4. ... one empty raw_tp/sys_enter program (floor)" "" "$floor" "$(ratio "$floor" "$base") of nothing"
PLOT=("nothing $base" "floor $floor")
declare -A cost
for n in 1 4 16 256; do
	for i in $(seq "$n"); do
		run_container -d --name "idle-$n-$i" --annotation "$ANNOTATION=of:idle-$n-$i.json" -- /bin/sleep 600 >/dev/null
	done
	cost[$n]=$(host_loop)
	PLOT+=("$n-recording$([ "$n" = 1 ] || echo s) ${cost[$n]}")
	if [ "$n" = 1 ]; then
		child=$(tracing_children | head -n 1)
		rss_kb=$(awk '/VmHWM/ { print $2 }' "/proc/$child/status")
		memlock=$(bpftool -j map show | jq '[.[] | select((.name // "") | test("^(pidns|targets|membership|gated|slots|seen|denied|killed|arg_values|settings|in_syscall|recorder[.].*)$")) | .bytes_memlock] | add')
	fi
	podman_ rm -f -t 0 $(seq -f "idle-$n-%g" 1 "$n") >/dev/null
	wait_until 180 nothing_left
	row "4. ... while $n container(s) are recorded" "${cost[$n]}" "" "$(ratio "${cost[$n]}" "$floor") of floor, $(ratio "${cost[$n]}" "$base") of nothing"
done
row "4. ... cost with 256 recordings against 1" "" "" "$(ratio "${cost[256]}" "${cost[1]}")"
# The containers above run under podman's default seccomp filter, so their
# recordings watch what it denies: the sys_exit program is attached. One
# recorded unconfined needs no sys_exit program: the difference is its cost.
run_container -d --name idle-unconfined --security-opt seccomp=unconfined \
	--annotation "$ANNOTATION=of:idle-unconfined.json" -- /bin/sleep 600 >/dev/null
no_exit=$(host_loop)
podman_ rm -f -t 0 idle-unconfined >/dev/null
wait_until 30 nothing_left
row "4. ... while 1 container recorded unconfined (no sys_exit program)" "$no_exit" "" \
	"$(ratio "$no_exit" "$floor") of floor; the sys_exit program costs $(ratio "${cost[1]}" "$no_exit")"
max_recordings=$(awk '/#define MAX_RECORDINGS/ { print $3 }' src/bpf/recorder_types.h)
row "5. tracing child peak RSS / BPF map memory (memlock)" "$((rss_kb / 1024)) MiB / $((memlock / 1024)) KiB for up to $max_recordings recordings, $((memlock / max_recordings)) bytes each" "" ""

# --- 6. completeness under burst ----------------------------------------
# Unconfined: a syscall the container's own seccomp profile denies is
# refused before sys_enter, so no tracer can see it; under podman's default
# profile the recording holds exactly what got past it.
burst() { # NAME [podman run options...] -> "recorded expected"
	local name=$1
	shift
	run_container --rm "$@" --annotation "$ANNOTATION=of:$name.json" -- /bin/bench_burst >"$WORK/$name.nrs"
	wait_for_profile "$name"
	build/bench/bench_names <"$WORK/$name.nrs" | sort -u >"$WORK/$name.expected"
	profile_names "$name" | sort -u >"$WORK/$name.recorded"
	echo "$(comm -12 "$WORK/$name.expected" "$WORK/$name.recorded" | wc -l) $(wc -l <"$WORK/$name.expected")"
}
read -r got expected < <(burst burst --security-opt seccomp=unconfined)
row "6. burst of distinct syscalls right after start (seccomp=unconfined)" "$got of $expected recorded, $((expected - got)) lost" "" ""
read -r got expected < <(burst burst-default)
row "6. ... under podman's default seccomp profile" "$got of $expected: the rest are denied by seccomp before sys_enter" "" ""
if ref_podman --rm --security-opt seccomp=unconfined --annotation "$ANNOTATION=of:/tmp/ref-burst.json" --rootfs "$ROOTFS" /bin/bench_burst >/dev/null 2>&1; then
	row "6'. the same with the reference hook" "" "$(jq '.syscalls[0].names | length' /tmp/ref-burst.json) names" ""
else
	row "6'. the same with the reference hook" "" "container does not start: ${REF_FAILS#*: }" ""
fi

# --- 7. exit to profile ---------------------------------------------------
mkdir -p "$WORK/ctl"
gap=()
for i in $(seq "$REPS"); do
	run_container --rm -v "$WORK/ctl:/ctl" --annotation "$ANNOTATION=of:exit-$i.json" -- /bin/bench_loop 0 /ctl/stamp
	wait_for_profile "exit-$i"
	written=$(stat -c %.9Z "$PROFILES/exit-$i.json" | tr -d .) # ctime: set by the final rename
	gap+=($(((written - $(cat "$WORK/ctl/stamp")) / 1000)))
done
row "7. init exit to profile on disk, ms ($REPS runs)" "$(printf '%s\n' "${gap[@]}" | awk '{ print $1 / 1000 }' | spread)" "" ""

# --- 7'. many recordings ending at once -------------------------------------
# As a CI node at the end of a test run: MASS recorded containers, released by
# one gate, exit within a second of each other. From the last exit (podman's
# FinishedAt) to the last profile renamed into place; then the same with the
# profile directory on a slow disk (tests/integration/slowfs: one request at
# a time, every fsync 50 ms).
mass_exit_s() { # -> seconds
	local i names=() started=()
	rm -rf "$WORK/ctl" && mkdir -p "$WORK/ctl"
	for i in $(seq "$MASS"); do
		run_container -d --name "m$i" -v "$WORK/ctl:/ctl" --annotation "$ANNOTATION=of:m$i.json" -- \
			/bin/sh -c 'while [ ! -e /ctl/go ]; do sleep 0.2; done' >/dev/null &
		started+=($!)
		names+=("m$i")
		if [ $((i % 4)) = 0 ]; then wait "${started[@]}"; started=(); fi
	done
	wait "${started[@]}"
	touch "$WORK/ctl/go"
	podman_ wait "${names[@]}" >/dev/null
	wait_until 600 no_tracing_child
	local exited written profiles
	exited=$(podman_ inspect --format '{{.State.FinishedAt.UnixNano}}' "${names[@]}" | sort -n | tail -n 1)
	profiles=$(find "$PROFILES" -name 'm*.json' ! -name '*.report.json')
	written=$(echo "$profiles" | xargs stat -c %.9Z | tr -d . | sort -n | tail -n 1)
	podman_ rm -f "${names[@]}" >/dev/null
	rm -f "$PROFILES"/m*.json
	awk -v ns=$((written - exited)) 'BEGIN { printf "%.2f", ns / 1e9 }'
	[ "$(echo "$profiles" | wc -l)" = "$MASS" ] || echo " ($(echo "$profiles" | wc -l) of $MASS profiles written)"
}
fast=$(mass_exit_s)
mkdir -m 0700 "$WORK/slowdisk"
build/tests/integration/slowfs "$WORK/slowdisk" "$PROFILES" 50 &
slowfs=$!
wait_until 5 mountpoint -q "$PROFILES"
slow=$(mass_exit_s)
umount "$PROFILES" && wait "$slowfs"
row "7'. $MASS recordings ending at once: last exit to last profile, s" "$fast; on a slow disk (fsync 50 ms): $slow" "" ""

# --- 8. containerd through the runc wrapper ------------------------------
# The wrapper runs on every runc call the shim makes; for a container that
# does not ask to be recorded it must cost next to nothing.
export WRAPPER_BINARY=$PWD/build/wrapper/runc SOURCE_DIR=$PWD
# shellcheck source=../tests/integration/containerd.bash
source tests/integration/containerd.bash
bundle=$WORK/bench-bundle
mkdir -p "$bundle"
(cd "$bundle" && runc spec && jq --arg root "$ROOTFS" '.root.path = $root | .process.terminal = false | .process.args = ["/bin/true"] |
	.process.rlimits = [{type: "RLIMIT_NOFILE", hard: 1024, soft: 1024}]' config.json >c && mv c config.json)
create_us() { # RUNTIME -> microseconds for create of the unannotated bundle
	local start end
	start=${EPOCHREALTIME/./}
	"$1" --root "$WORK/runc-bench" create --bundle "$bundle" bench >/dev/null 2>&1 || { echo fail; return; }
	end=${EPOCHREALTIME/./}
	runc --root "$WORK/runc-bench" delete -f bench >/dev/null 2>&1
	echo $((end - start))
}
# runc create itself varies by milliseconds: five times the runs.
direct=() wrapped=()
for _ in $(seq $((5 * RUNS))); do
	direct+=("$(create_us "$(command -v runc)")")
	wrapped+=("$(create_us "$WRAPPER_BINARY")")
done
d=$(printf '%s\n' "${direct[@]}" | median)
w=$(printf '%s\n' "${wrapped[@]}" | median)
row "8. runc create, unannotated bundle, ms ($((5 * RUNS)) runs)" "through the wrapper: $(printf '%s\n' "${wrapped[@]}" | awk '{ print $1 / 1000 }' | spread)" \
	"runc directly: $(printf '%s\n' "${direct[@]}" | awk '{ print $1 / 1000 }' | spread)" \
	"$(ratio "$w" "$d"), $(awk -v a="$w" -v b="$d" 'BEGIN { printf "%+.2f ms", (a - b) / 1000 }')"
# The wrapper's own work, without runc's: it execs /bin/true instead.
exec_us() { # RUNTIME... -> microseconds
	local start end
	start=${EPOCHREALTIME/./}
	"$@" create --bundle "$bundle" bench >/dev/null 2>&1 || true
	end=${EPOCHREALTIME/./}
	echo $((end - start))
}
direct=() wrapped=()
for _ in $(seq "$RUNS"); do
	direct+=("$(exec_us env /bin/true)")
	wrapped+=("$(exec_us env OCI_SECCOMP_RECORDER_RUNTIME=/bin/true "$WRAPPER_BINARY")")
done
row "8. ... the wrapper alone (exec of /bin/true in runc's place), ms" "$(printf '%s\n' "${wrapped[@]}" | awk '{ print $1 / 1000 }' | spread)" \
	"/bin/true run by env: $(printf '%s\n' "${direct[@]}" | awk '{ print $1 / 1000 }' | spread)" ""
start_containerd
plain=() recorded=()
for i in $(seq "$RUNS"); do
	plain+=("$(start_ms ctr_ run --rm --runc-binary "$WRAPPER_BINARY" --rootfs "$ROOTFS" "plain-$i" /bin/true)")
	recorded+=("$(start_ms ctr_ run --rm --runc-binary "$WRAPPER_BINARY" --annotation "$ANNOTATION=of:ctr-$i.json" \
		--rootfs "$ROOTFS" "recorded-$i" /bin/true)")
done
stop_containerd >/dev/null
p=$(printf '%s\n' "${plain[@]}" | median)
r=$(printf '%s\n' "${recorded[@]}" | median)
row "8. ctr run --rm /bin/true through the wrapper, ms" "recorded: $(printf '%s\n' "${recorded[@]}" | spread)" "not recorded: $(printf '%s\n' "${plain[@]}" | spread)" "$(ratio "$r" "$p")"

# --- 9. the other ways of recording ------------------------------------------
# shellcheck source=peers.bash
source bench/peers.bash
printf '%s\n' "${PEER_ROWS[@]}"

# --- results --------------------------------------------------------------
{
	echo "# Benchmark results"
	echo
	echo "Made by \`bench/run.sh\` on $(date -u +%Y-%m-%d), kernel $(uname -r), $(nproc) CPUs;"
	echo "RUNS=$RUNS, REPS=$REPS, LOOP_N=$LOOP_N, MASS=$MASS. Medians with [25th–75th percentile]."
	echo "On this machine a getppid costs $base ns with nothing attached: compare machines by that."
	[ -z "$REF_FAILS" ] || { echo; echo "$REF_FAILS."; }
	echo
	echo "| figure | oci-seccomp-recorder | baseline (same run) | ratio |"
	echo "|---|---|---|---|"
	printf '%s\n' "${ROWS[@]}"
	echo
	echo "![getppid on the host while recording](overhead.png)"
	echo
	echo "## Beside the other ways of recording"
	echo
	echo "The same workloads recorded each way in the same run (bench/peers.bash), in a Debian rootfs with python3,"
	echo "nginx and strace; getppid loops of $LOOP_N calls ($SLOW_N under strace and SCMP_ACT_LOG), $REPS on each CPU in turn: each figure is the mean of the CPUs' medians (bench/peers.bash says why); other figures medians of $REPS."
	echo
	printf '%s\n' "${PEER_ROWS[@]}"
} >bench/results.md
printf '%s\n' "${PLOT[@]}" >"$WORK/plot.dat"
gnuplot <<GNUPLOT
set terminal pngcairo size 800,400
set output "bench/overhead.png"
set title "getppid on the host, ns per call ($(uname -r))"
set style fill solid 0.6
set boxwidth 0.6
set yrange [0:*]
set ylabel "ns/call"
unset key
plot "$WORK/plot.dat" using 0:2:xtic(1) with boxes
GNUPLOT
echo "wrote bench/results.md and bench/overhead.png"
