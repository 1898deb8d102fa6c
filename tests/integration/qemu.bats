#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
# QEMU as libvirt runs it (TCG here: no /dev/kvm): its own seccomp filter
# (-sandbox) stacked on the container's, a QMP monitor, virtio disk, network
# and random number generator; booting a Debian cloud kernel and a busybox
# initramfs that reads the disk and the generator, then powers off. Rootfs
# built by mmdebstrap once per build dir.

bats_require_minimum_version 1.5.0
load helpers

setup_file() {
	probe_runtime
	[ -z "$CANNOT_RUN" ] || return 0
	export QEMU_ROOTFS=$BUILD_DIR/qemu-rootfs
	debian_rootfs "$QEMU_ROOTFS" qemu-system-x86,linux-image-cloud-amd64,busybox-static,cpio
	# The guest, built afresh: the packaged kernel; an initramfs of busybox,
	# the virtio drivers and init; a disk.
	rm -rf "$QEMU_ROOTFS/guest"
	mkdir -p "$QEMU_ROOTFS/guest/initrd"
	cp "$BATS_TEST_DIRNAME/debian/guest-init" "$QEMU_ROOTFS/guest/initrd/init"
	chroot "$QEMU_ROOTFS" sh -ec '
		cd /guest/initrd
		mkdir -p bin proc dev modules
		cp /bin/busybox bin/
		for m in virtio/virtio_ring virtio/virtio virtio/virtio_pci_legacy_dev virtio/virtio_pci_modern_dev \
			virtio/virtio_pci block/virtio_blk char/hw_random/virtio-rng; do
			cp /lib/modules/*/kernel/drivers/$m.ko modules/
		done
		find . | cpio -o -H newc --quiet | gzip >/guest/initrd.gz
		ln -s /boot/vmlinuz-* /guest/vmlinuz
		head -c 1048576 /dev/zero >/guest/disk.img'
}
setup() { setup_recorder; }
teardown() { teardown_recorder; }

# qemu_vm [SANDBOX] [podman run options...]: boots the guest until it powers
# off, with `-sandbox SANDBOX` (libvirt's default set unless given; "" for
# none).
LIBVIRT_SANDBOX=on,obsolete=deny,elevateprivileges=deny,spawn=deny,resourcecontrol=deny
# With what libvirt gives a VM: a QMP monitor, a virtio disk, network and
# random number generator.
QEMU=(qemu-system-x86_64 -machine "q35,accel=tcg" -m 256 -nographic -no-reboot -nodefaults -serial stdio
	-kernel /guest/vmlinuz -initrd /guest/initrd.gz -append "console=ttyS0 quiet panic=-1"
	-qmp "unix:/tmp/qmp.sock,server=on,wait=off" -device virtio-rng-pci
	-drive "file=/guest/disk.img,if=virtio,format=raw,readonly=on" -netdev "user,id=n0" -device "virtio-net-pci,netdev=n0")
qemu_vm() {
	local sandbox=$1
	shift
	run_in "$QEMU_ROOTFS" --read-only "$@" -- "${QEMU[@]}" ${sandbox:+-sandbox "$sandbox"}
}

# wrapped_vm DELAY [podman run options...]: QEMU started by a dash script
# that sleeps DELAY seconds, then waits for it, as a launcher script does: a
# timing-dependent path. dash's wait suspends (rt_sigsuspend) only if QEMU
# still runs; with DELAY 8 it has exited by then (it boots in 2 to 3 s).
wrapped_vm() {
	local delay=$1
	shift
	run_in "$QEMU_ROOTFS" --read-only -e DELAY="$delay" "$@" -- /bin/sh -c \
		'"$@" & sleep "$DELAY"; wait $!; echo "qemu: exit $?"' sh "${QEMU[@]}" -sandbox "$LIBVIRT_SANDBOX"
}

# A new report NAME.report.json: the one a run just ended writes.
wait_for_new_report() {
	wait_until 10 test -f "$PROFILES/$1.report.json" || { echo "no report $1 after 10 s" >&2; return 1; }
}

@test "what QEMU's own -sandbox refuses is the report's workloadDenied, not denied" {
	# Without its sandbox, QEMU's threads come from clone3, which podman's
	# default filter allows.
	run -0 qemu_vm "" --rm --annotation "$ANNOTATION=of:open.json"
	[[ "$output" == *"guest: up, disk 512 bytes, rng 16 bytes"* ]]
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

@test "the verify loop: runs under the profile with denied:allow grow it by what a timing-dependent path needs, until none is denied" {
	# Recorded once on the path where QEMU has exited before the wrapper waits.
	run -0 wrapped_vm 8 --rm --annotation "$ANNOTATION=of:vm.json"
	[[ "$output" == *"qemu: exit 0"* ]]
	wait_for_profile vm
	assert_lacks_syscall vm rt_sigsuspend

	# Under that profile the other path fails: the wrapper's wait is denied
	# its rt_sigsuspend (dash then spins: --timeout ends it). Each run under
	# the profile, with denied:allow, adds what it was denied.
	local round denied
	for round in 1 2 3 4; do
		rm -f "$PROFILES/vm.report.json"
		run wrapped_vm 0 --rm --timeout 20 --security-opt "seccomp=$PROFILES/vm.json" \
			--annotation "$ANNOTATION=if:vm.json;of:vm.json;denied:allow"
		wait_for_new_report vm
		denied=$(jq -c '.denied.SCMP_ARCH_X86_64 // []' "$PROFILES/vm.report.json")
		echo "round $round: exit $status, denied $denied"
		[ "$round" != 1 ] || [[ "$denied" == *'"rt_sigsuspend"'* ]]
		[ "$denied" != "[]" ] || break
	done
	[ "$denied" = "[]" ]
	[ "$round" -le 3 ]
	assert_has_syscall vm rt_sigsuspend
	jq -e '.workloadDenied.SCMP_ARCH_X86_64 | index("clone3")' "$PROFILES/vm.report.json"

	# Then both paths, five times in a row, boot and power off under it, and
	# nothing is denied.
	for round in 1 2 3 4 5; do
		run -0 wrapped_vm $((round % 2 * 8)) --rm --timeout 60 --security-opt "seccomp=$PROFILES/vm.json" \
			--annotation "$ANNOTATION=of:check.json;denied:list"
		[[ "$output" == *"guest: up"* ]]
		[[ "$output" == *"qemu: exit 0"* ]]
		wait_for_profile check
		jq -e '.denied == {}' "$PROFILES/check.report.json"
		rm "$PROFILES/check.json" "$PROFILES/check.report.json"
	done
	assert_no_leftovers
}

@test "stability flags what only some runs saw: the wrapper's rt_sigsuspend, on the path one run took" {
	local round delay
	round=0
	for delay in 8 0 8 8; do
		round=$((round + 1))
		run -0 wrapped_vm "$delay" --rm --annotation "$ANNOTATION=of:run$round.json"
		[[ "$output" == *"qemu: exit 0"* ]]
		wait_for_profile "run$round"
	done
	# Run 2 added rt_sigsuspend: two quiet runs since are not three.
	run -1 "$HOOK_BINARY" stability --settle 3 "$PROFILES"/run{1,2,3,4}.report.json
	echo "$output"
	[[ "$output" == *"4 runs, oldest first"* ]]
	[[ "$output" == *$'\n  rt_sigsuspend  (1 of 4)\n'* ]]
	[[ "$output" == *"record until 3 runs in a row add nothing"* ]]
	run -1 "$HOOK_BINARY" stability --json "$PROFILES"/run{1,2,3,4}.report.json
	jq -e '.seen["syscall SCMP_ARCH_X86_64 rt_sigsuspend"] == 1 and .stable == false' <<<"$output"
	jq -e '.runs[1].new | index("syscall SCMP_ARCH_X86_64 rt_sigsuspend")' <<<"$output"
	# Not a report: trouble, in one line.
	run -2 "$HOOK_BINARY" stability "$PROFILES/run1.json"
	[ "$output" = "oci-seccomp-recorder stability: $PROFILES/run1.json: not a report of oci-seccomp-recorder (no recorded, no started)" ]
}
