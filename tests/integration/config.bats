#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
# What ships beside the binary and cannot all be run here (no cluster, no
# CRI-O): the man page, the hooks.d JSON, the CRI-O drop-ins, the Kubernetes
# examples. Each is parsed and checked against what its reader requires.

bats_require_minimum_version 1.5.0
load helpers

VALIDATE=$BATS_TEST_DIRNAME/validate.py

setup() {
	: "${BUILD_DIR:?BUILD_DIR must name the build tree (ctest sets it)}"
	: "${SOURCE_DIR:?SOURCE_DIR must name the source tree (ctest sets it)}"
	MAN=$BUILD_DIR/packaging/oci-seccomp-recorder.1
}

@test "the man page renders without a warning" {
	run groff -man -ww -z -Tutf8 "$MAN"
	echo "$output"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	# Every placeholder filled in, with something: CMake renders a name it
	# does not know (a typo) as nothing. (The page as CMake rendered it,
	# before its synopsis is written in.)
	/usr/bin/python3 - "$SOURCE_DIR/packaging/man/oci-seccomp-recorder.1" "$MAN.in" <<'PY'
import re, sys
source = open(sys.argv[1]).read().split("\n")
rendered = open(sys.argv[2]).read().split("\n")
assert len(source) == len(rendered), "the rendered man page has other lines than its source"
for n, (line, out) in enumerate(zip(source, rendered), 1):
    names = re.findall(r"@([A-Za-z_]+)@", line)
    if names and (re.sub(r"@[A-Za-z_]+@", "", line) == out or "@" + names[0] + "@" in out):
        sys.exit(f"man page line {n}: @{names[0]}@ rendered as nothing: {out}")
PY
}

@test "the man page and --help name the same options and commands" {
	help_options=$("$HOOK_BINARY" --help | grep -o -- '--[a-z][a-z-]*' | sort -u)
	# (up to EXIT STATUS: the examples use podman's options too)
	man_options=$(groff -man -Tutf8 -P-cbou "$MAN" 2>/dev/null | sed '/^EXIT STATUS/,$d' |
		grep -o -- '--[a-z][a-z-]*' | sort -u)
	echo "help: $help_options" | tr '\n' ' '
	echo
	echo "man:  $man_options" | tr '\n' ' '
	[ "$help_options" = "$man_options" ]
	# The syscalls with argument rules, as the BPF contract lists them.
	mapfile -t arg_syscalls < <(sed -n 's/^\s*X(ARG_[A-Z0-9_]*, \([a-z0-9_]*\)).*/\1/p' "$SOURCE_DIR/src/bpf/recorder_types.h")
	[ "${#arg_syscalls[@]}" -ge 10 ]
	for name in "${arg_syscalls[@]}"; do
		grep -q "^\.BR $name (2)" "$MAN"
		[ "$name" = clone3 ] || "$HOOK_BINARY" --help | grep -- "--arg-rules" | grep -qw "$name"
	done
	# Every field of the report (as report.cpp writes them) has its entry.
	mapfile -t fields < <(grep -o 'j\["[a-zA-Z]*"\]' "$SOURCE_DIR/src/profile/report.cpp" | sort -u | sed 's/j\["\(.*\)"\]/\1/')
	[ "${#fields[@]}" -ge 10 ]
	for field in "${fields[@]}"; do
		sed -n '/^\.SH REPORT/,/^\.SH /p' "$MAN" | grep -Eq "^\.BR? (.* )?$field( |\$)"
	done
	for command in merge diff stability status stop cleanup service; do
		grep -q "^\.B $command\$" "$MAN"
		"$HOOK_BINARY" --help | grep -qx "$command"
	done
}

@test "the README and docs name only commands and options the binary has; tests/README.md lists every test file" {
	"$HOOK_BINARY" --help >"$BATS_TEST_TMPDIR/help"
	/usr/bin/python3 - "$SOURCE_DIR" "$BATS_TEST_TMPDIR/help" <<'PY'
import glob, os, re, sys
src, help_file = sys.argv[1], sys.argv[2]
help_text = open(help_file).read()
commands = set(re.findall(r"^([a-z]+)$", help_text, re.M))
options = set(re.findall(r"(?<![\w-])(-o|--[a-z][a-z-]*)", help_text))
bad = []
for path in [os.path.join(src, "README.md")] + glob.glob(os.path.join(src, "docs/*.md")):
    for n, line in enumerate(open(path), 1):
        # what follows the binary's name on one line: a command, then options
        for rest in re.findall(r"oci-seccomp-recorder ((?:[a-z]+|--?[a-z][a-z-]*)(?: [^`|]*)?)", line):
            words = rest.split()
            if not words[0].startswith("-") and words[0] not in commands:
                continue  # prose ("oci-seccomp-recorder is..."), not a command line
            for word in words:
                word = word.split("=")[0]
                if word.startswith("-") and word not in options:
                    bad.append(f"{os.path.relpath(path, src)}:{n}: {word}")
listed = set(re.findall(r"`([a-z_]+\.bats)`", open(os.path.join(src, "tests/README.md")).read()))
files = {os.path.basename(p) for p in glob.glob(os.path.join(src, "tests/integration/*.bats"))}
bad += [f"tests/README.md: {name}" for name in sorted(files ^ listed)]
if not commands or not options:
    bad.append("no commands or options found in --help")
if bad:
    sys.exit("not what the binary has:\n" + "\n".join(sorted(set(bad))))
PY
}

@test "the hooks.d JSON is an OCI hook for prestart that matches both annotation forms" {
	json=$(sed -e "s|@HOOK_PATH@|/usr/libexec/oci/hooks.d/oci-seccomp-recorder|" \
		-e "s|@DEFAULT_PROFILE_DIR@|/var/lib/oci-seccomp-profiles|" "$HOOKS_TEMPLATE")
	[ "$(jq -r .version <<<"$json")" = 1.0.0 ]
	[ "$(jq -c .stages <<<"$json")" = '["prestart"]' ]
	[[ "$(jq -r .hook.path <<<"$json")" == /* ]]
	# The runtime's deadline for the hook, past the hook's own (--timeout,
	# 10 s by default, and a second for cleaning up after a failed start).
	[ "$(jq -r .hook.timeout <<<"$json")" -ge 12 ]
	regex=$(jq -r '.when.annotations | keys[0]' <<<"$json")
	matches() { /usr/bin/python3 -c 'import re, sys; sys.exit(0 if re.search(sys.argv[1], sys.argv[2]) else 1)' "$regex" "$1"; }
	matches io.containers.trace-syscall
	matches io.containers.trace-syscall/web
	run ! matches io.containers.trace-syscall/
	run ! matches io.containers.trace-syscallx
	run ! matches xio.containers.trace-syscall
}

@test "the CRI-O drop-ins let the annotation through for one runtime handler each" {
	for conf in "$SOURCE_DIR"/packaging/crio/*.conf; do
		"$VALIDATE" crio "$conf"
	done
	[ "$(ls "$SOURCE_DIR"/packaging/crio/*.conf | wc -l)" -eq 2 ]
}

@test "the containerd snippets add the wrapper's handler for both annotation forms, and the RuntimeClass names it" {
	"$VALIDATE" containerd "$SOURCE_DIR/packaging/containerd/config-v2.toml.in" io.containerd.grpc.v1.cri
	"$VALIDATE" containerd "$SOURCE_DIR/packaging/containerd/config-v3.toml.in" io.containerd.cri.v1.runtime
	"$VALIDATE" runtimeclass "$SOURCE_DIR/examples/kubernetes/runtimeclass.yaml"
	# The check catches the glob that Go's path.Match stops at '/'.
	sed 's|trace-syscall/\*|trace-syscall*|' "$SOURCE_DIR/packaging/containerd/config-v2.toml.in" >"$BATS_TEST_TMPDIR/v2.toml"
	run "$VALIDATE" containerd "$BATS_TEST_TMPDIR/v2.toml" io.containerd.grpc.v1.cri
	[ "$status" -eq 1 ]
	[[ "$output" == *"let no io.containers.trace-syscall/web through" ]]
}

@test "the Kubernetes examples are well-formed and consistent" {
	"$VALIDATE" pod "$SOURCE_DIR/examples/kubernetes/pod.yaml"
	"$VALIDATE" daemonset "$SOURCE_DIR/examples/kubernetes/daemonset.yaml" "$SOURCE_DIR/examples/kubernetes/uninstall.yaml"
	# Nothing privileged keeps running.
	sed 's|allowPrivilegeEscalation: false|privileged: true|' "$SOURCE_DIR/examples/kubernetes/uninstall.yaml" >"$BATS_TEST_TMPDIR/uninstall.yaml"
	run "$VALIDATE" daemonset "$SOURCE_DIR/examples/kubernetes/daemonset.yaml" "$BATS_TEST_TMPDIR/uninstall.yaml"
	[ "$status" -eq 1 ]
	[[ "$output" == *"oci-seccomp-recorder-uninstall: container uninstalled keeps running privileged"* ]]
	shellcheck "$SOURCE_DIR"/examples/kubernetes/*.sh
	# The checks themselves catch what they are for.
	sed 's|trace-syscall/sidecar|trace-syscall/sidekick|' "$SOURCE_DIR/examples/kubernetes/pod.yaml" >"$BATS_TEST_TMPDIR/pod.yaml"
	run "$VALIDATE" pod "$BATS_TEST_TMPDIR/pod.yaml"
	[ "$status" -eq 1 ]
	[[ "$output" == *"sidekick names no container"* ]]
}

@test "collect-profiles.sh copies every node's profiles and merges them by name, whatever the names" {
	local tmp=$BATS_TEST_TMPDIR
	mkdir -p "$tmp/bin" "$tmp/node-a" "$tmp/node-b"
	# kubectl as the script uses it: the DaemonSet's pods, and tar out of each.
	cat >"$tmp/bin/kubectl" <<-SH
	#!/bin/sh
	case "\$*" in
	*"get pods -l app=oci-seccomp-recorder-profiles "*) printf 'pod-a node-a\npod-b node-b\n' ;;
	*"exec pod-a "*) tar -C "$tmp/node-a" -cf - . ;;
	*"exec pod-b "*) tar -C "$tmp/node-b" -cf - . ;;
	*) exit 1 ;;
	esac
	SH
	chmod +x "$tmp/bin/kubectl"
	profile() { jq -n --args '{defaultAction: "SCMP_ACT_ERRNO", syscalls: [{names: $ARGS.positional, action: "SCMP_ACT_ALLOW"}]}' "$@"; }
	profile read write >"$tmp/node-a/web.json"
	profile openat >"$tmp/node-b/web.json"
	profile read >"$tmp/node-a/odd name *.json" # not the hook's, but a node may hold it
	# A namespace's profiles stay apart from another's of the same name.
	mkdir "$tmp/node-a/team-a" "$tmp/node-b/team-a" "$tmp/node-b/team-b"
	profile close >"$tmp/node-a/team-a/web.json"
	profile dup >"$tmp/node-b/team-a/web.json"
	profile uname >"$tmp/node-b/team-b/web.json"
	(cd "$tmp" && PATH="$tmp/bin:$PATH" RECORDER="$HOOK_BINARY" "$SOURCE_DIR/examples/kubernetes/collect-profiles.sh" out)
	[ "$(jq -c '.syscalls[0].names' "$tmp/out/merged/web.json")" = '["openat","read","write"]' ]
	[ "$(jq -c '.syscalls[0].names' "$tmp/out/merged/odd name *.json")" = '["read"]' ]
	[ "$(jq -c '.syscalls[0].names' "$tmp/out/merged/team-a/web.json")" = '["close","dup"]' ]
	[ "$(jq -c '.syscalls[0].names' "$tmp/out/merged/team-b/web.json")" = '["uname"]' ]
	[ "$(find "$tmp/out/merged" -type f | wc -l)" = 4 ]
}
