#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
"""Checks, for the tests, files that cannot be tried for real here.

validate.py seccompprofile FILE   YAML against seccompprofile.schema.json
validate.py crio FILE             a CRI-O drop-in letting the annotation through
validate.py pod FILE              a Pod whose trace-syscall keys name its containers
validate.py daemonset FILE...     the hook's DaemonSet (and the objects beside it)
validate.py containerd FILE PLUGIN  a containerd snippet: the seccomp-recorder runtime
                                  handler of CRI plugin PLUGIN, letting both annotation
                                  forms through to the wrapper
validate.py runtimeclass FILE     a RuntimeClass for that handler

Prints one line on failure and exits 1.
"""
import json
import os
import re
import sys
import tomllib

import jsonschema
import yaml

ANNOTATION = "io.containers.trace-syscall"
VALUE = re.compile(r"^\s*(of:[^;]+|if:[^;]+;\s*of:[^;]+|of:[^;]+;\s*if:[^;]+)\s*$")
DNS_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$")


def fail(msg):
    print(msg)
    sys.exit(1)


def seccompprofile(path):
    schema_path = os.path.join(os.path.dirname(__file__), "seccompprofile.schema.json")
    with open(schema_path) as f:
        schema = json.load(f)
    with open(path) as f:
        doc = yaml.safe_load(f)
    try:
        jsonschema.validate(doc, schema)
    except jsonschema.ValidationError as e:
        fail(f"{path}: {e.json_path}: {e.message}")


def crio(path):
    with open(path, "rb") as f:
        conf = tomllib.load(f)
    runtimes = conf.get("crio", {}).get("runtime", {}).get("runtimes", {})
    if len(runtimes) != 1:
        fail(f"{path}: configures {len(runtimes)} runtime handlers, not one")
    (handler, table), = runtimes.items()
    if ANNOTATION not in table.get("allowed_annotations", []):
        fail(f"{path}: runtime handler {handler} does not allow {ANNOTATION}")
    if set(table) != {"allowed_annotations"} or set(conf) != {"crio"}:
        fail(f"{path}: sets more than allowed_annotations")


def kubernetes_object(path, api_version, kind):
    with open(path) as f:
        doc = yaml.safe_load(f)
    if doc.get("apiVersion") != api_version or doc.get("kind") != kind:
        fail(f"{path}: not a {api_version} {kind}")
    return doc


def pod(path):
    doc = kubernetes_object(path, "v1", "Pod")
    names = [c["name"] for c in doc["spec"]["containers"]]
    keys = {k: v for k, v in doc["metadata"].get("annotations", {}).items() if k.startswith(ANNOTATION)}
    if not keys:
        fail(f"{path}: no {ANNOTATION} annotation")
    for key, value in keys.items():
        container = key[len(ANNOTATION) + 1:]
        if key != ANNOTATION and (key[len(ANNOTATION)] != "/" or container not in names):
            fail(f"{path}: {key} names no container of the pod ({', '.join(names)})")
        if not VALUE.match(value):
            fail(f"{path}: {key}: '{value}' is not of:OUT[;if:IN]")
    outputs = [re.search(r"of:\s*([^;]+)", v).group(1).strip() for v in keys.values()]
    if len(set(outputs)) != len(outputs):
        fail(f"{path}: two containers write the same profile")


def unprivileged(sc):
    return (not sc.get("privileged") and sc.get("allowPrivilegeEscalation") is False
            and "ALL" in sc.get("capabilities", {}).get("drop", []))


def daemonset(*paths):
    """The DaemonSets beside their Namespace: what keeps running is
    unprivileged; the profile reader has no host PID namespace and reads the
    profile directory read-only, without creating it."""
    docs = [d for p in paths for d in yaml.safe_load_all(open(p)) if d]
    sets = [d for d in docs if d["kind"] == "DaemonSet"]
    namespaces = {d["metadata"]["name"] for d in docs if d["kind"] == "Namespace"}
    if not sets:
        fail("no DaemonSet")
    readers = 0
    for ds in sets:
        name = ds["metadata"]["name"]
        if ds.get("apiVersion") != "apps/v1":
            fail(f"{name}: not an apps/v1 DaemonSet")
        template = ds["spec"]["template"]
        labels = template["metadata"]["labels"]
        if any(labels.get(k) != v for k, v in ds["spec"]["selector"]["matchLabels"].items()):
            fail(f"{name}: selector does not match its pod template's labels")
        spec = template["spec"]
        volumes = {v["name"]: v for v in spec.get("volumes", [])}
        for c in spec.get("initContainers", []) + spec["containers"]:
            if not DNS_LABEL.match(c["name"]) or "image" not in c:
                fail(f"{name}: container {c.get('name')}: bad name or no image")
            for m in c.get("volumeMounts", []):
                if m["name"] not in volumes:
                    fail(f"{name}: container {c['name']} mounts undefined volume {m['name']}")
        for c in spec["containers"]:
            if not unprivileged(c.get("securityContext", {})):
                fail(f"{name}: container {c['name']} keeps running privileged")
        for c in spec["containers"]:
            for m in c.get("volumeMounts", []):
                host = volumes[m["name"]].get("hostPath", {})
                if host.get("path") != "/var/lib/oci-seccomp-profiles":
                    continue
                readers += 1
                if spec.get("hostPID") or not m.get("readOnly") or host.get("type") != "Directory":
                    fail(f"{name}: reads the profiles with the host's PIDs, writably, or creating the directory")
        ns = ds["metadata"].get("namespace")
        if ns and ns not in namespaces:
            fail(f"{name}: namespace {ns} is not created beside it")
    if readers == 0:
        fail("no DaemonSet reaches the profile directory")


HANDLER = "seccomp-recorder"


def go_path_match(pattern, name):
    """Go's path.Match for patterns of literals and '*': '*' stops at '/'."""
    regex = "".join("[^/]*" if c == "*" else re.escape(c) for c in pattern)
    return re.fullmatch(regex, name) is not None


def containerd(path, plugin):
    with open(path, "rb") as f:
        conf = tomllib.load(f)
    runtimes = conf.get("plugins", {}).get(plugin, {}).get("containerd", {}).get("runtimes", {})
    if list(runtimes) != [HANDLER] or list(conf) != ["plugins"] or list(conf["plugins"]) != [plugin]:
        fail(f"{path}: does not configure just the {HANDLER} runtime handler of {plugin}")
    table = runtimes[HANDLER]
    if table.get("runtime_type") != "io.containerd.runc.v2":
        fail(f"{path}: {HANDLER} is not a runc v2 shim runtime")
    if table.get("options", {}).get("BinaryName") != "@WRAPPER_PATH@":
        fail(f"{path}: BinaryName is not the wrapper")
    for key in (ANNOTATION, ANNOTATION + "/web"):
        if not any(go_path_match(p, key) for p in table.get("pod_annotations", [])):
            fail(f"{path}: pod_annotations let no {key} through")
    if any(go_path_match(p, "io.kubernetes.other") for p in table.get("pod_annotations", [])):
        fail(f"{path}: pod_annotations let other annotations through")


def runtimeclass(path):
    doc = kubernetes_object(path, "node.k8s.io/v1", "RuntimeClass")
    if doc.get("handler") != HANDLER:
        fail(f"{path}: handler is not {HANDLER}")


if __name__ == "__main__":
    if len(sys.argv) < 3:
        fail(__doc__.strip())
    {"seccompprofile": seccompprofile, "crio": crio, "pod": pod, "daemonset": daemonset, "containerd": containerd,
     "runtimeclass": runtimeclass}[sys.argv[1]](*sys.argv[2:])
