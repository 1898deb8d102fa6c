#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
"""Prints a markdown table comparing seccomp profiles for one container on
x86_64 with podman's default capabilities: how many syscalls each allows, and
what each allows of the syscalls that argument rules restrict.

  bench/compare_profiles.py NAME=PROFILE.json ...
"""
import json
import sys

# podman 4.3's default capabilities (containers.conf).
CAPS = {"CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL", "CAP_NET_BIND_SERVICE",
        "CAP_SETFCAP", "CAP_SETGID", "CAP_SETPCAP", "CAP_SETUID", "CAP_SYS_CHROOT"}
ARCHES = {"amd64", "x86_64", "SCMP_ARCH_X86_64"}
RESTRICTED = ["socket", "clone", "clone3", "unshare", "setns", "personality", "prctl", "ioctl", "mmap", "mprotect"]
OPS = {"SCMP_CMP_EQ": "==", "SCMP_CMP_NE": "!=", "SCMP_CMP_LT": "<", "SCMP_CMP_LE": "<=", "SCMP_CMP_GE": ">=",
       "SCMP_CMP_GT": ">"}


def applies(rule):
    inc, exc = rule.get("includes") or {}, rule.get("excludes") or {}
    if not set(inc.get("caps", [])) <= CAPS or set(exc.get("caps", [])) & CAPS:
        return False
    if inc.get("arches") and not set(inc["arches"]) & ARCHES:
        return False
    return not set(exc.get("arches", [])) & ARCHES


def condition(arg):
    a = "a%d" % arg["index"]
    if arg["op"] == "SCMP_CMP_MASKED_EQ":
        return "%s&%#x==%#x" % (a, arg["value"], arg.get("valueTwo", 0))
    return "%s%s%#x" % (a, OPS[arg["op"]], arg["value"])


def decide(profile, name):
    """What the profile does with `name`: 'any', a list of what it allows, or its refusal."""
    allows, refusal = [], "EPERM (default)" if profile["defaultAction"] == "SCMP_ACT_ERRNO" else profile["defaultAction"]
    for rule in profile.get("syscalls") or []:
        if name not in (rule.get("names") or [rule.get("name")]) or not applies(rule):
            continue
        if rule["action"] in ("SCMP_ACT_ALLOW", "SCMP_ACT_LOG"):
            if not rule.get("args"):
                return "any"
            allows.append(rule.get("comment") or " && ".join(condition(a) for a in rule["args"]))
        elif not rule.get("args"):
            refusal = "ENOSYS" if rule.get("errnoRet") == 38 else "errno %s" % rule.get("errnoRet", 1)
    return list(dict.fromkeys(allows)) or [refusal]


def main():
    profiles = [(n, json.load(open(p))) for n, p in (a.split("=", 1) for a in sys.argv[1:])]
    print("| | " + " | ".join(n for n, _ in profiles) + " |")
    print("|---|" + "---|" * len(profiles))
    counts = []
    for _, p in profiles:
        names = {n for r in p.get("syscalls") or [] if applies(r) and r["action"] in ("SCMP_ACT_ALLOW", "SCMP_ACT_LOG")
                 for n in (r.get("names") or [r.get("name")])}
        counts.append(str(len(names)))
    print("| syscalls allowed (some only with arguments) | " + " | ".join(counts) + " |")
    for name in RESTRICTED:
        cells = []
        for _, p in profiles:
            d = decide(p, name)
            cells.append(d if isinstance(d, str) else "; ".join(d))
        print("| `%s` | %s |" % (name, " | ".join(cells)))


main()
