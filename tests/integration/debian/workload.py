# SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
"""A real program's mix, run in a Debian rootfs: threads, TCP and Unix
sockets, subprocesses, and nginx serving requests. It prints the same
lines on every run, so a run under the recorded profile can be compared
with the recorded one; any failure ends it with a traceback."""
import concurrent.futures
import hashlib
import socket
import subprocess
import threading
import time
import urllib.request


def hash_work(n):
    return hashlib.sha256(str(n).encode() * 1000).hexdigest()[:8]


def threads():
    with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
        digests = list(pool.map(hash_work, range(16)))
    print("threads:", len(digests), "digests, first", digests[0])


def tcp_echo():
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("127.0.0.1", 0))
    server.listen()

    def serve():
        conn, _ = server.accept()
        with conn:
            conn.sendall(conn.recv(64).upper())

    t = threading.Thread(target=serve)
    t.start()
    with socket.create_connection(server.getsockname()) as client:
        client.sendall(b"hello")
        print("tcp echo:", client.recv(64).decode())
    t.join()
    server.close()


def unix_pair():
    a, b = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
    a.sendall(b"ping")
    print("unix pair:", b.recv(4).decode())
    a.close()
    b.close()


def udp():
    rx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    rx.bind(("127.0.0.1", 0))
    tx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    tx.sendto(b"datagram", rx.getsockname())
    print("udp:", rx.recv(64).decode())
    rx.close()
    tx.close()


def subprocesses():
    out = subprocess.run(["/bin/sh", "-c", "echo child $((6 * 7))"], capture_output=True, text=True, check=True)
    print("subprocess:", out.stdout.strip())
    out = subprocess.run(["/usr/bin/sort"], input="b\na\n", capture_output=True, text=True, check=True)
    print("subprocess sort:", out.stdout.split())


def get(path):
    with urllib.request.urlopen("http://127.0.0.1:8080" + path, timeout=10) as r:
        return r.status, r.read()


def nginx():
    subprocess.run(["/usr/sbin/nginx", "-c", "/workload/nginx.conf"], check=True)
    # Every wait sleeps at least once: a run under the profile must not take
    # a path (a sleep) that the recorded run happened not to need.
    for _ in range(100):
        time.sleep(0.05)
        try:
            get("/nginx.conf")
            break
        except OSError:
            pass
    statuses = set()
    body = b""
    for _ in range(20):
        status, body = get("/nginx.conf")
        statuses.add(status)
    try:
        get("/missing")
    except urllib.error.HTTPError as e:
        statuses.add(e.code)
    print("nginx:", sorted(statuses), hashlib.sha256(body).hexdigest()[:8])
    # (it notes its signal on stderr, with its pid)
    subprocess.run(["/usr/sbin/nginx", "-c", "/workload/nginx.conf", "-s", "quit"], check=True,
                   stderr=subprocess.DEVNULL)
    for _ in range(200):
        time.sleep(0.05)
        try:
            get("/nginx.conf")
        except OSError:
            print("nginx: stopped")
            return
    raise RuntimeError("nginx did not stop")


threads()
tcp_echo()
unix_pair()
udp()
subprocesses()
nginx()
