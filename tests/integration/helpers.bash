# SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
# Shared set-up for the integration tests: every test gets a temp tree with a
# rootfs (static busybox and the probe), podman storage of its own, the hook
# installed in a hooks dir of its own, and the hook's profile dir and log.

: "${HOOK_BINARY:?HOOK_BINARY must name the built oci-seccomp-recorder (ctest sets it)}"
: "${PROBE_BINARY:?PROBE_BINARY must name the built probe (ctest sets it)}"
: "${HOOKS_TEMPLATE:?HOOKS_TEMPLATE must name hooks.d/oci-seccomp-recorder.json.in (ctest sets it)}"
RUNTIME=${RUNTIME:-runc}
ANNOTATION=io.containers.trace-syscall

# Once per file (setup_file): find out whether containers can run here, and
# if not, why. bats 1.8 cannot skip from setup_file, so every test's setup
# skips with the reason.
probe_root() {
	export CANNOT_RUN=
	[ "$(id -u)" = 0 ] || CANNOT_RUN="needs root: the hook loads BPF and podman runs rootful containers"
}

probe_runtime() {
	probe_root
	if [ -n "$CANNOT_RUN" ]; then
		:
	elif ! command -v podman >/dev/null; then
		CANNOT_RUN="podman is not installed"
	elif ! command -v "$RUNTIME" >/dev/null; then
		CANNOT_RUN="$RUNTIME is not installed"
	else
		setup_recorder
		local out
		if ! out=$(run_container --rm -- /bin/true 2>&1); then
			CANNOT_RUN="$RUNTIME cannot run containers on this machine: $(echo "$out" | head -n 1)"
		fi
		teardown_recorder
	fi
}

setup_recorder() {
	[ -z "${CANNOT_RUN:-}" ] || skip "$CANNOT_RUN"
	WORK=$(mktemp -d "${BATS_RUN_TMPDIR:-/tmp}/recorder-it.XXXXXX")
	ROOTFS=$WORK/rootfs
	PROFILES=$WORK/profiles
	HOOK_LOG=$WORK/hook.log
	mkdir -p "$ROOTFS/bin" "$ROOTFS/tmp" "$WORK/hooks"
	cp /bin/busybox "$ROOTFS/bin/busybox"
	for applet in sh true cat echo ls sleep test [ touch unshare; do
		ln -s busybox "$ROOTFS/bin/$applet"
	done
	cp "$PROBE_BINARY" "$ROOTFS/bin/probe"
	install_hook
}

# The hook's JSON as the package installs it (so its "when" is the one under
# test), pointed at the build's binary and test-local directories, with no
# linger (the last recording out unloads the program: every test ends with
# nothing of ours in the kernel; shared.bats tests the linger); extra hook
# arguments as a JSON array.
# shellcheck disable=SC2120 # the test files pass the arguments
install_hook() {
	local extra_args=${1:-[]}
	sed -e "s|@HOOK_PATH@|$HOOK_BINARY|" -e "s|@DEFAULT_PROFILE_DIR@|$PROFILES|" "$HOOKS_TEMPLATE" |
		jq --arg log "$HOOK_LOG" --argjson extra "$extra_args" '.hook.args += ["--log-file", $log, "--linger", "0"] + $extra' \
			>"$WORK/hooks/oci-seccomp-recorder.json"
}

teardown_recorder() {
	[ -n "${WORK:-}" ] || return 0
	if [ -s "$HOOK_LOG" ]; then
		echo "# hook log ($HOOK_LOG):"
		sed 's/^/#   /' "$HOOK_LOG"
	fi
	podman_ rm -af >/dev/null 2>&1 || true
	rm -rf "$WORK"
	WORK=
}

# With SYSTEM_HOOKS set, podman reads its default hooks dirs, where the
# package installs the hook, instead of the test's own.
podman_() {
	local hooks=(--hooks-dir "$WORK/hooks")
	[ -z "${SYSTEM_HOOKS:-}" ] || hooks=()
	podman --root "$WORK/storage" --runroot "$WORK/run" --storage-driver vfs \
		--cgroup-manager cgroupfs --events-backend none "${hooks[@]}" "$@"
}

# split_options OPTIONS... -- REST...: OPTS holds what comes before the
# "--", REST what comes after.
split_options() {
	OPTS=()
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		OPTS+=("$1")
		shift
	done
	shift
	REST=("$@")
}

# podman_in run|create ROOTFS [options...] -- COMMAND [ARGS...]: a container
# of that rootfs, as every test runs one.
# (--rootfs takes the first argument after the options as the rootfs.)
podman_in() {
	local verb=$1 rootfs=$2
	shift 2
	split_options "$@"
	podman_ "$verb" --runtime "$RUNTIME" --network none \
		--ulimit nofile=1024:1024 --ulimit nproc=1024:1024 \
		"${OPTS[@]}" --rootfs "$rootfs" "${REST[@]}"
}

run_in() {
	podman_in run "$@"
}

# run_container [podman run options...] -- COMMAND [ARGS...]: one of the
# test's busybox rootfs.
run_container() {
	run_in "$ROOTFS" "$@"
}

# record NAME COMMAND [ARGS...]: runs the command in a container annotated to
# write $PROFILES/NAME.json.
record() {
	local name=$1
	shift
	run_container --rm --annotation "$ANNOTATION=of:$name.json" -- "$@"
}

# wait_until SECONDS COMMAND [ARGS...]: polls COMMAND until it succeeds;
# fails once SECONDS have passed.
wait_until() {
	local deadline=$((SECONDS + $1))
	shift
	until "$@"; do
		[ "$SECONDS" -lt "$deadline" ] || return 1
		sleep 0.05
	done
}

# The profile appears once the container's init has exited and the tracing
# child has written it (its report first): shortly after podman returns.
wait_for_profile() {
	wait_until 10 test -f "$PROFILES/$1.json" || { echo "no profile $PROFILES/$1.json after 10 s" >&2; return 1; }
	assert_report_agrees "$1"
}

# The report beside a profile is well-formed, and every syscall it recorded
# is named in the profile (allowed, or decided by an if: input).
assert_report_agrees() {
	local report=$PROFILES/$1.report.json missing
	jq -e --arg profile "$PROFILES/$1.json" '(.recorder | startswith("oci-seccomp-recorder ")) and .profile == $profile and
		(.container.id | type == "string") and (.underSeccomp | type == "boolean") and .started <= .ended and
		(.endedBy | test("^(init exit|signal [0-9]+|snapshot)$")) and (.recorded | type == "object") and
		(.denied | type == "object") and (.killed | type == "object") and (.untrackedProcesses | type == "number")' "$report" >/dev/null ||
		{ echo "bad report $report: $(cat "$report" 2>&1)" >&2; return 1; }
	missing=$(comm -23 <(jq -r '.recorded[][]' "$report" | sort -u) <(jq -r '.syscalls[].names[]' "$PROFILES/$1.json" | sort -u))
	[ -z "$missing" ] || { echo "recorded but not in $1.json: $missing" >&2; return 1; }
}

container_printed() {
	podman_ logs "$1" 2>/dev/null | grep -qF -- "$2"
}

# wait_for_output CONTAINER TEXT: until the container has printed TEXT.
wait_for_output() {
	wait_until 10 container_printed "$1" "$2" ||
		{ echo "container $1 did not print '$2': $(podman_ logs "$1" 2>&1)" >&2; return 1; }
}

no_tracing_child() {
	[ -z "$(tracing_children)" ]
}

wait_for_no_tracing_child() {
	wait_until 10 no_tracing_child || { echo "tracing child $(tracing_children) still running" >&2; return 1; }
}

profile_names() {
	jq -r '.syscalls[].names[]' "$PROFILES/$1.json"
}

assert_has_syscall() {
	profile_names "$1" | grep -qx "$2" || { echo "$2 missing from $1.json: $(profile_names "$1" | tr '\n' ' ')" >&2; return 1; }
}

assert_lacks_syscall() {
	! profile_names "$1" | grep -qx "$2" || { echo "$2 unexpectedly in $1.json" >&2; return 1; }
}

# The names of our BPF programs, as the build's skeleton lists them.
our_program_names() {
	grep -oP 'progs\[\d+\]\.name = "\K[^"]+' "${BUILD_DIR:?BUILD_DIR must name the build tree (ctest sets it)}/bpf/recorder.skel.h"
}

# Our BPF programs (by their names, which the kernel keeps to 15
# characters), the maps they use and the links that attach them, and our
# pins, anywhere on the node: no other tool's objects.
our_bpf_objects() {
	local names progs prog_ids maps links pins
	names=$(our_program_names | jq -Rnc '[inputs[:15]]')
	[ "$(jq length <<<"$names")" -gt 0 ] || { echo "no program names in the skeleton" >&2; return 1; }
	progs=$(bpftool -j prog show | jq -c --argjson names "$names" '[.[] | select(.name | IN($names[]))]')
	prog_ids=$(jq -c 'map(.id)' <<<"$progs")
	maps=$(bpftool -j map show | jq --argjson used "$(jq -c '[.[].map_ids // [] | .[]]' <<<"$progs")" \
		'[.[] | select((.id | IN($used[])) or ((.name // "") | startswith("recorder.")))] | length')
	links=$(bpftool -j link show | jq --argjson ours "$prog_ids" '[.[] | select(.prog_id | IN($ours[]))] | length')
	pins=$(find /sys/fs/bpf/oci-seccomp-recorder 2>/dev/null | wc -l)
	echo "progs=$(jq length <<<"$progs") maps=$maps links=$links pins=$pins"
}

# Tracing children of this test's hook (their command line names its dir).
tracing_children() {
	pgrep -f -- "--profile-dir $PROFILES( |\$)" || true
}

nothing_left() {
	[ "$(our_bpf_objects)" = "progs=0 maps=0 links=0 pins=0" ] && no_tracing_child
}

# Nothing of ours is left: no BPF object, no tracing child. Children and
# their BPF objects go within moments of their container's exit.
assert_no_leftovers() {
	wait_until 5 nothing_left ||
		{ echo "left over: $(our_bpf_objects), tracing children: $(tracing_children | tr '\n' ' ')" >&2; return 1; }
}

# A process that is PID 1 of new PID and mount namespaces, as a container's
# init is when prestart hooks run.
start_target() {
	# (unshare complains on stderr when its child is SIGKILLed: not ours to show)
	unshare --pid --fork --mount-proc sleep 600 2>/dev/null &
	TARGET_LAUNCHER=$!
	wait_until 2 pgrep -P "$TARGET_LAUNCHER" -x sleep >/dev/null || { echo "no target process" >&2; return 1; }
	TARGET=$(pgrep -P "$TARGET_LAUNCHER" -x sleep)
}

stop_target() {
	[ -n "${TARGET:-}" ] || return 0
	kill -KILL "$TARGET" 2>/dev/null || true # a PID namespace's init ignores SIGTERM from outside
	wait "$TARGET_LAUNCHER" 2>/dev/null || true
	TARGET=
}

# state_json PID [ANNOTATION]: the OCI state a runtime gives a prestart hook.
state_json() {
	if [ $# -ge 2 ]; then
		jq -cn --argjson pid "$1" --arg a "$2" \
			'{ociVersion: "1.0.2", id: "test", status: "creating", pid: $pid, bundle: "/nonexistent", annotations: {"io.containers.trace-syscall": $a}}'
	else
		jq -cn --argjson pid "$1" '{ociVersion: "1.0.2", id: "test", status: "creating", pid: $pid, bundle: "/nonexistent"}'
	fi
}

# nested FILE: a seccomp profile with 400,000 nested brackets under a key.
nested() {
	{
		printf '{"defaultAction":"SCMP_ACT_ERRNO","x":'
		head -c 400000 /dev/zero | tr '\0' '['
		head -c 400000 /dev/zero | tr '\0' ']'
		printf '}'
	} >"$1"
}

# Every file below the test's tree but the hook's log, with type and size.
tree_listing() {
	find "$WORK" -path "$HOOK_LOG" -prune -o -printf '%p %y %s\n' | sort
}

# --- the system's package, for the tests that install it -------------------

PKG=oci-seccomp-recorder
# shellcheck disable=SC2034 # the test files use it
SYSTEM_PROFILES=/var/lib/oci-seccomp-profiles

package_installed() {
	dpkg-query -W -f '${Status}' "$PKG" 2>/dev/null | grep -q "install ok installed"
}

# build_package DIR: cpack's .deb of the build tree, in DIR; its path in DEB.
# Saves the system's package as it is now (dpkg-repack of the installed
# files), for restore_package.
build_package() {
	: "${BUILD_DIR:?BUILD_DIR must name the build tree (ctest sets it)}"
	cpack -G DEB --config "$BUILD_DIR/CPackConfig.cmake" -B "$1" >"$WORK/cpack.log" ||
		{ cat "$WORK/cpack.log"; return 1; }
	DEB=$(echo "$1"/"$PKG"_*.deb)
	[ -f "$DEB" ]
	SAVED_DEB=
	if package_installed; then
		mkdir "$WORK/saved"
		(cd "$WORK/saved" && dpkg-repack "$PKG") >"$WORK/repack.log" 2>&1 ||
			{ cat "$WORK/repack.log"; return 1; }
		SAVED_DEB=$(echo "$WORK/saved/$PKG"_*.deb)
		[ -f "$SAVED_DEB" ]
	fi
	PACKAGE_SAVED=1
}

# The system's package as build_package found it: the saved one put back
# unchanged, or none. A test that never got that far (its setup skipped or
# failed first) changed nothing, so there is nothing to undo.
restore_package() {
	[ -n "${PACKAGE_SAVED:-}" ] || return 0
	if [ -n "$SAVED_DEB" ]; then
		dpkg -i "$SAVED_DEB" >/dev/null
	elif package_installed; then
		dpkg -r "$PKG" >/dev/null
	fi
}

# debian_rootfs DIR PACKAGES [SETUP]: a Debian 12 rootfs at DIR with PACKAGES
# (comma-separated), built by mmdebstrap once per build dir, then SETUP run
# in it (chroot, sh -c). One build at a time; a half-built tree (no DIR.done)
# is built again.
debian_rootfs() {
	local dir=$1 packages=$2 setup=${3:-} lock sources
	exec {lock}>"$dir.lock"
	flock "$lock"
	if [ ! -e "$dir.done" ]; then
		command -v mmdebstrap >/dev/null || { echo "mmdebstrap is not installed (Quick start installs it)" >&2; return 1; }
		for sources in /etc/apt/sources.list.d/debian.sources /etc/apt/sources.list; do
			[ -s "$sources" ] && break
		done
		rm -rf "$dir"
		mmdebstrap --quiet --variant=apt --include="$packages" bookworm "$dir" "$sources" </dev/null >&2
		[ -z "$setup" ] || chroot "$dir" sh -ec "$setup" >&2
		touch "$dir.done"
	fi
	exec {lock}>&-
}
