#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
"""A caller of the recording service that does what the hook never does, for
rootless.bats: each mode sends one kind of request and prints the answer
line(s) the service gave ("no answer" when it closed without one).

  service_client.py SOCKET request STATE_FILE DIR [EXTRA_FDS]
  service_client.py SOCKET garbage | nofd | big MIB | silent COUNT
"""
import json
import os
import socket
import sys
import time


def connect(path):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(path)
    return s


def answer(s):
    data = b""
    try:
        while not data.endswith(b"\n"):
            chunk = s.recv(4096)
            if not chunk:
                break
            data += chunk
    except ConnectionResetError:
        pass
    return data.decode().strip() or "no answer"


def request(path, text, fds):
    s = connect(path)
    try:
        if fds:
            socket.send_fds(s, [text[:1]], fds)
            text = text[1:]
        s.sendall(text)
        s.shutdown(socket.SHUT_WR)
    except (BrokenPipeError, ConnectionResetError):
        pass
    return answer(s)


def main():
    path, mode, args = sys.argv[1], sys.argv[2], sys.argv[3:]
    if mode == "request":
        state = open(args[0]).read()
        fds = [os.open(args[1], os.O_RDONLY)]
        fds += [os.open("/dev/null", os.O_RDONLY) for _ in range(int(args[2]) if len(args) > 2 else 0)]
        print(request(path, json.dumps({"version": 1, "op": "record", "state": state}).encode(), fds))
    elif mode == "garbage":
        print(request(path, b"\x00\xffnot json{", [os.open("/", os.O_RDONLY)]))
    elif mode == "nofd":
        print(request(path, json.dumps({"version": 1, "op": "record", "state": "{}"}).encode(), []))
    elif mode == "big":
        print(request(path, b"x" * (int(args[0]) << 20), [os.open("/", os.O_RDONLY)]))
    elif mode == "silent":
        # Connect COUNT times and send nothing; print the answers of those
        # the service turned away at once, then wait for the others'.
        conns = [connect(path) for _ in range(int(args[0]))]
        for s in conns:
            s.setblocking(False)

        time.sleep(1)
        waiting = []
        for s in conns:
            try:
                print(s.recv(4096).decode().strip() or "no answer")
            except BlockingIOError:
                waiting.append(s)
        print("waiting: %d" % len(waiting), flush=True)
        # Until the service's deadline (signal the test through a file).
        if len(args) > 1:
            open(args[1], "w").close()
        for s in waiting:
            s.setblocking(True)
            print(answer(s))
    else:
        sys.exit("unknown mode " + mode)


if __name__ == "__main__":
    main()
