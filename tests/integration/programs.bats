#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
# Real programs from Debian's packages, in a Debian rootfs that mmdebstrap
# builds (once per build dir): python3 with threads, sockets and
# subprocesses, and nginx serving requests, recorded with argument rules.

bats_require_minimum_version 1.5.0
load helpers

WORKLOAD=$BATS_TEST_DIRNAME/debian

setup_file() {
	probe_runtime
	[ -z "$CANNOT_RUN" ] || return 0
	export DEBIAN_ROOTFS=$BUILD_DIR/debian-rootfs
	debian_rootfs "$DEBIAN_ROOTFS" python3,nginx-light
}
setup() { setup_recorder; }
teardown() { teardown_recorder; }

# in_debian [podman run options...] -- COMMAND...: the rootfs read-only (its
# /tmp and /run are podman's tmpfs), the workload at /workload.
in_debian() {
	run_in "$DEBIAN_ROOTFS" --read-only -v "$WORKLOAD:/workload:ro" "$@"
}

@test "python3 and nginx run the same under their argument-rule profile, again and again" {
	run in_debian --rm --security-opt seccomp=unconfined --annotation "$ANNOTATION=of:web.json;args:on" -- \
		/usr/bin/python3 /workload/workload.py
	[ "$status" -eq 0 ]
	recorded=$output
	[[ "$recorded" == *"nginx: [200, 404]"* ]]
	[[ "$recorded" == *"nginx: stopped"* ]]
	wait_for_profile web
	# TCP, UDP and Unix sockets, nothing else; threads and subprocesses
	# through clone, none of them in a new namespace.
	[ "$(jq -r '[.syscalls[] | select(.names == ["socket"]) | .comment] | join(", ")' "$PROFILES/web.json")" = \
		"AF_UNIX SOCK_STREAM, AF_INET SOCK_STREAM, AF_INET SOCK_DGRAM" ]
	[ "$(jq -r '[.syscalls[] | select(.names == ["clone"]) | .comment] | join(", ")' "$PROFILES/web.json")" = "no new namespace" ]
	jq -e '.syscalls[] | select(.names == ["clone3"]) | .errnoRet == 38' "$PROFILES/web.json"

	for _ in 1 2 3; do
		run in_debian --rm --security-opt "seccomp=$PROFILES/web.json" -- /usr/bin/python3 /workload/workload.py
		[ "$status" -eq 0 ] || { echo "under the profile: $output"; return 1; }
		[ "$output" = "$recorded" ]
	done
}

@test "their profile refuses what they never did: a raw socket, a new namespace, another persona, W^X, another ioctl" {
	run in_debian --rm --security-opt seccomp=unconfined --annotation "$ANNOTATION=of:web.json;args:on" -- \
		/usr/bin/python3 /workload/workload.py
	[ "$status" -eq 0 ]
	wait_for_profile web
	# Each call works unconfined (as root, with the runtime's capabilities).
	local check='
import ctypes, errno, mmap, socket, termios
libc = ctypes.CDLL(None, use_errno=True)
def call(name, rc):
    print(name, "ok" if rc >= 0 else errno.errorcode[ctypes.get_errno()])
try:
    socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP).close()
    print("raw socket ok")
except OSError as e:
    print("raw socket", errno.errorcode[e.errno])
call("unshare CLONE_NEWUTS", libc.unshare(0x04000000))
call("personality PER_LINUX32", libc.personality(0x0008))
try:
    mmap.mmap(-1, 4096, prot=mmap.PROT_READ | mmap.PROT_WRITE | mmap.PROT_EXEC).close()
    print("mmap PROT_WRITE|PROT_EXEC ok")
except OSError as e:
    print("mmap PROT_WRITE|PROT_EXEC", errno.errorcode[e.errno])
with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
    call("ioctl FIONREAD", libc.ioctl(s.fileno(), termios.FIONREAD, ctypes.byref(ctypes.c_int())))
'
	run in_debian --rm --security-opt seccomp=unconfined --cap-add NET_RAW,SYS_ADMIN -- /usr/bin/python3 -c "$check"
	[ "$status" -eq 0 ]
	[ "$output" = "raw socket ok
unshare CLONE_NEWUTS ok
personality PER_LINUX32 ok
mmap PROT_WRITE|PROT_EXEC ok
ioctl FIONREAD ok" ]
	run in_debian --rm --security-opt "seccomp=$PROFILES/web.json" --cap-add NET_RAW,SYS_ADMIN -- /usr/bin/python3 -c "$check"
	[ "$status" -eq 0 ]
	[ "$output" = "raw socket EPERM
unshare CLONE_NEWUTS EPERM
personality PER_LINUX32 EPERM
mmap PROT_WRITE|PROT_EXEC EPERM
ioctl FIONREAD EPERM" ]
}
