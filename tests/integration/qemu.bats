#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
# QEMU as libvirt runs it (TCG here: no /dev/kvm), with its own seccomp
# filter (-sandbox) stacked on the container's, booting a Debian cloud kernel
# and a busybox initramfs that powers off at once. Rootfs built by mmdebstrap
# once per build dir.

bats_require_minimum_version 1.5.0
load helpers

setup_file() {
	probe_runtime
	[ -z "$CANNOT_RUN" ] || return 0
	export QEMU_ROOTFS=$BUILD_DIR/qemu-rootfs
	mkdir -p "$QEMU_ROOTFS.guest"
	cp "$BATS_TEST_DIRNAME/debian/guest-init" "$QEMU_ROOTFS.guest/init"
	# The guest: the packaged kernel, and an initramfs of busybox and init.
	debian_rootfs "$QEMU_ROOTFS" qemu-system-x86,linux-image-cloud-amd64,busybox-static,cpio '
		mkdir -p /guest/initrd/bin /guest/initrd/proc
		cp /bin/busybox /guest/initrd/bin/
		ln -sf /boot/vmlinuz-* /guest/vmlinuz' &&
		cp "$QEMU_ROOTFS.guest/init" "$QEMU_ROOTFS/guest/initrd/init" &&
		chroot "$QEMU_ROOTFS" sh -ec 'cd /guest/initrd && find . | cpio -o -H newc --quiet | gzip >/guest/initrd.gz'
}
setup() { setup_recorder; }
teardown() { teardown_recorder; }

# qemu_vm [SANDBOX] [podman run options...]: boots the guest until it powers
# off, with `-sandbox SANDBOX` (libvirt's default set unless given; "" for
# none).
LIBVIRT_SANDBOX=on,obsolete=deny,elevateprivileges=deny,spawn=deny,resourcecontrol=deny
qemu_vm() {
	local sandbox=$1
	shift
	podman_ run --runtime "$RUNTIME" --network none --ulimit nofile=1024:1024 --ulimit nproc=1024:1024 \
		--read-only "$@" --rootfs "$QEMU_ROOTFS" \
		qemu-system-x86_64 -machine q35,accel=tcg -m 256 -nographic -no-reboot -nodefaults -serial stdio \
		-kernel /guest/vmlinuz -initrd /guest/initrd.gz -append "console=ttyS0 quiet panic=-1" \
		${sandbox:+-sandbox "$sandbox"}
}

@test "what QEMU's own -sandbox refuses is the report's workloadDenied, not denied" {
	# Without its sandbox, QEMU's threads come from clone3, which podman's
	# default filter allows.
	run -0 qemu_vm "" --rm --annotation "$ANNOTATION=of:open.json"
	[[ "$output" == *"guest: up"* ]]
	wait_for_profile open
	assert_has_syscall open clone3

	# With it, QEMU's filter answers the clone3 of threads started after it
	# is in ENOSYS (glibc falls back to clone), before sys_enter: the
	# container's filter did not refuse it. (Threads started before it came
	# from clone3, so the profile allows it.)
	run -0 qemu_vm "$LIBVIRT_SANDBOX" --rm --annotation "$ANNOTATION=of:vm.json"
	[[ "$output" == *"guest: up"* ]]
	wait_for_profile vm
	jq -e '.workloadDenied.SCMP_ARCH_X86_64 | index("clone3")' "$PROFILES/vm.report.json"
	jq -e '.denied.SCMP_ARCH_X86_64 // [] | index("clone3") | not' "$PROFILES/vm.report.json"
	grep -q "vm.json: a seccomp filter the workload installed itself refused: .*clone3" "$HOOK_LOG"

	# Under its own profile: the same.
	run -0 qemu_vm "$LIBVIRT_SANDBOX" --rm --security-opt "seccomp=$PROFILES/vm.json" \
		--annotation "$ANNOTATION=of:replay.json"
	[[ "$output" == *"guest: up"* ]]
	wait_for_profile replay
	jq -e '.workloadDenied.SCMP_ARCH_X86_64 | index("clone3")' "$PROFILES/replay.report.json"
	jq -e '.denied.SCMP_ARCH_X86_64 // [] | index("clone3") | not' "$PROFILES/replay.report.json"
	assert_no_leftovers
}
