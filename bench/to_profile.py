#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
"""The benchmark's conversions of what the other ways of recording leave into
a seccomp profile, so that each can be compared with ours (bench/peers.bash).
They are part of the comparison, not of the product.

  to_profile.py kmsg-seq                      the kernel log's last sequence number
  to_profile.py log FROM TO PROFILE           SCMP_ACT_LOG records in (FROM, TO]
  to_profile.py log-size FROM TO              "RECORDS BYTES" of those records
  to_profile.py suppressed FROM               records the kernel dropped after FROM
  to_profile.py log-marker                    one SCMP_ACT_LOG record, from a child
  to_profile.py strace TRACE PROFILE          strace -f -o output
  to_profile.py bpftrace OUTPUT PROFILE       a bpftrace map @[syscall nr] = count

Names come from libseccomp (x86_64), as the recorder's do; a profile allows
what was seen and returns EPERM for the rest, as the recorder's does. Prints
how many names the profile allows.
"""
import ctypes
import errno
import json
import os
import re
import struct
import sys

SECCOMP = ctypes.CDLL("libseccomp.so.2")
SECCOMP.seccomp_syscall_resolve_num_arch.restype = ctypes.c_void_p
SECCOMP.seccomp_syscall_resolve_num_arch.argtypes = [ctypes.c_uint32, ctypes.c_int]
SECCOMP.seccomp_syscall_resolve_name_arch.argtypes = [ctypes.c_uint32, ctypes.c_char_p]
LIBC = ctypes.CDLL(None)
LIBC.free.argtypes = [ctypes.c_void_p]
ARCH_X86_64 = 0xC000003E  # AUDIT_ARCH_X86_64: libseccomp's token for it too


def name_of(nr):
    p = SECCOMP.seccomp_syscall_resolve_num_arch(ARCH_X86_64, nr)
    if not p:
        return None
    name = ctypes.string_at(p).decode()
    LIBC.free(p)
    return name


def known(name):
    return SECCOMP.seccomp_syscall_resolve_name_arch(ARCH_X86_64, name.encode()) >= 0


def write_profile(names, path):
    profile = {"defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 1,
               "architectures": ["SCMP_ARCH_X32", "SCMP_ARCH_X86", "SCMP_ARCH_X86_64"],
               "syscalls": [{"names": sorted(names), "action": "SCMP_ACT_ALLOW"}]}
    with open(path + ".tmp", "w") as f:
        json.dump(profile, f, indent=2)
    os.rename(path + ".tmp", path)
    print(len(names))


def kmsg():
    """(sequence number, message) of every record in the kernel's log."""
    fd = os.open("/dev/kmsg", os.O_RDONLY | os.O_NONBLOCK)
    try:
        while True:
            try:
                record = os.read(fd, 8192).decode(errors="replace")
            except BlockingIOError:
                return
            except OSError as e:  # overwritten while read: the next one
                if e.errno == errno.EPIPE:
                    continue
                raise
            prefix, _, message = record.partition(";")
            yield int(prefix.split(",")[1]), message.split("\n")[0]
    finally:
        os.close(fd)


def log_records(first, last):
    """The SCMP_ACT_LOG records in (first, last]: (message, arch, nr)."""
    for seq, message in kmsg():
        m = re.search(r"type=1326 .* arch=([0-9a-f]+) syscall=(\d+)", message)
        if first < seq <= last and m:
            yield message, int(m.group(1), 16), int(m.group(2))


def from_log(first, last, path):
    write_profile({name_of(nr) for _, arch, nr in log_records(first, last) if arch == ARCH_X86_64} - {None}, path)


def log_size(first, last):
    messages = [message for message, _, _ in log_records(first, last)]
    print(len(messages), sum(len(m) + 1 for m in messages))


def suppressed(first):
    print(sum(int(m.group(1)) for seq, message in kmsg() if seq > first
              for m in [re.match(r"kauditd_printk_skb: (\d+) callbacks suppressed", message)] if m))


def log_marker():
    """A child that logs its exit_group and nothing else: with the rate
    limit's allowance back, the kernel first prints what it dropped."""
    pid = os.fork()
    if pid == 0:
        log = struct.pack("HBBI", 0x06, 0, 0, 0x7FFC0000)  # BPF_RET|BPF_K SECCOMP_RET_LOG
        program = ctypes.create_string_buffer(log)
        fprog = struct.pack("HxxxxxxP", 1, ctypes.addressof(program))
        LIBC.prctl(38, 1, 0, 0, 0)  # PR_SET_NO_NEW_PRIVS
        if LIBC.syscall(317, 1, 0, ctypes.c_char_p(fprog)) != 0:  # seccomp(SET_MODE_FILTER)
            os._exit(1)
        os._exit(0)
    _, status = os.waitpid(pid, 0)
    if status != 0:
        sys.exit("log-marker: could not install the filter")


def from_strace(trace, path):
    names = set()
    with open(trace) as f:
        for line in f:  # "PID name(args) = ret" or "PID <... name resumed>..."
            m = re.match(r"\d+\s+(?:<\.\.\. )?([a-z0-9_]+)(?:\(| resumed>)", line)
            if not m:
                continue
            unnamed = re.fullmatch(r"syscall_0x([0-9a-f]+)", m.group(1))  # newer than this strace
            name = name_of(int(unnamed.group(1), 16)) if unnamed else m.group(1)
            if name and known(name):
                names.add(name)
    write_profile(names, path)


def from_bpftrace(output, path):
    with open(output) as f:
        write_profile({name_of(int(nr)) for nr in re.findall(r"^@\[(\d+)\]:", f.read(), re.M)} - {None}, path)


def main(argv):
    if argv[1:2] == ["kmsg-seq"]:
        print(max((seq for seq, _ in kmsg()), default=0))
    elif argv[1:2] == ["log"] and len(argv) == 5:
        from_log(int(argv[2]), int(argv[3]), argv[4])
    elif argv[1:2] == ["log-size"] and len(argv) == 4:
        log_size(int(argv[2]), int(argv[3]))
    elif argv[1:2] == ["suppressed"] and len(argv) == 3:
        suppressed(int(argv[2]))
    elif argv[1:2] == ["log-marker"]:
        log_marker()
    elif argv[1:2] == ["strace"] and len(argv) == 4:
        from_strace(argv[2], argv[3])
    elif argv[1:2] == ["bpftrace"] and len(argv) == 4:
        from_bpftrace(argv[2], argv[3])
    else:
        sys.exit(__doc__.strip())


if __name__ == "__main__":
    main(sys.argv)
