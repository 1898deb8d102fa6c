#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
"""Runs one pod through containerd's CRI API as kubelet would, and prints what
the tests check.

    pod.py SOCKET SPEC.json

SPEC: {"name", "namespace" (default: "default"), "handler", "annotations": {...},
       "log_dir", "containers": [{"name", "image", "command": [...]}, ...]}

RunPodSandbox (host network: no CNI), then CreateContainer and
StartContainer for each container, waits for each to exit, then
StopPodSandbox and RemovePodSandbox. Prints "sandbox ID", then
"container NAME ID exit CODE" per container, on stdout."""
import json
import os
import sys
import tempfile
import time

import grpc
from grpc_tools import protoc


def load_api():
    """The generated modules for cri.proto, built into a temp dir."""
    here = os.path.dirname(os.path.abspath(__file__))
    out = tempfile.mkdtemp(prefix="cri-api.")
    if protoc.main(["protoc", "-I" + here, "--python_out=" + out, "--grpc_python_out=" + out,
                    os.path.join(here, "cri.proto")]) != 0:
        sys.exit("pod.py: protoc failed on cri.proto")
    sys.path.insert(0, out)
    import cri_pb2
    import cri_pb2_grpc
    return cri_pb2, cri_pb2_grpc


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: pod.py SOCKET SPEC.json")
    socket, spec = sys.argv[1], json.load(open(sys.argv[2]))
    api, api_grpc = load_api()
    runtime = api_grpc.RuntimeServiceStub(grpc.insecure_channel("unix://" + socket))

    ns = api.NamespaceOption(network=api.NODE, pid=api.CONTAINER, ipc=api.POD)
    pod = api.PodSandboxConfig(
        metadata=api.PodSandboxMetadata(name=spec["name"], uid=spec["name"] + "-uid",
                                        namespace=spec.get("namespace", "default")),
        log_directory=spec["log_dir"],
        annotations=spec["annotations"],
        linux=api.LinuxPodSandboxConfig(security_context=api.LinuxSandboxSecurityContext(namespace_options=ns)))
    sandbox = runtime.RunPodSandbox(api.RunPodSandboxRequest(config=pod, runtime_handler=spec["handler"]),
                                    timeout=60).pod_sandbox_id
    print("sandbox", sandbox, flush=True)
    try:
        ids = {}
        for c in spec["containers"]:
            config = api.ContainerConfig(
                metadata=api.ContainerMetadata(name=c["name"]), image=api.ImageSpec(image=c["image"]),
                command=c["command"], log_path=c["name"] + ".log",
                linux=api.LinuxContainerConfig(
                    security_context=api.LinuxContainerSecurityContext(namespace_options=ns)))
            ids[c["name"]] = runtime.CreateContainer(
                api.CreateContainerRequest(pod_sandbox_id=sandbox, config=config, sandbox_config=pod),
                timeout=60).container_id
            runtime.StartContainer(api.StartContainerRequest(container_id=ids[c["name"]]), timeout=60)
        for name, cid in ids.items():
            deadline = time.monotonic() + 30
            while True:
                status = runtime.ContainerStatus(api.ContainerStatusRequest(container_id=cid), timeout=10).status
                if status.state == api.CONTAINER_EXITED:
                    break
                if time.monotonic() > deadline:
                    sys.exit(f"pod.py: container {name} did not exit within 30 s")
                time.sleep(0.05)
            print("container", name, cid, "exit", status.exit_code, flush=True)
    finally:
        runtime.StopPodSandbox(api.StopPodSandboxRequest(pod_sandbox_id=sandbox), timeout=60)
        runtime.RemovePodSandbox(api.RemovePodSandboxRequest(pod_sandbox_id=sandbox), timeout=60)


if __name__ == "__main__":
    main()
