"""Server RSS under many slow uploads (issue 12), for bench/serve.sh.

100 connections (10 from each of 127.0.0.2 … 127.0.0.11, under the per-IP limit) each declare a
20 MiB body to /api/submit and send it slowly, a 64 KiB piece per connection every 0.1 s, for
SECONDS; the server's RSS is sampled throughout. With a token the bodies are taken (streamed to
disk); without one each is refused from its header. Prints one JSON line.

usage: slow_uploads.py PORT SERVER_PID SECONDS [TOKEN]
"""
import json
import socket
import sys
import time

port, pid, seconds = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
token = sys.argv[4] if len(sys.argv) > 4 else None
declared = 20 << 20
piece = b"P" * (64 << 10)


def rss_mb():
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


before = rss_mb()
head = f"POST /api/submit?name=slow.xlsx HTTP/1.1\r\nHost: x\r\nContent-Length: {declared}\r\n"
if token:
    head += f"Authorization: Bearer {token}\r\n"
head = (head + "\r\n").encode()
connections = []
for i in range(100):
    s = socket.socket()
    s.bind((f"127.0.0.{2 + i // 10}", 0))
    s.connect(("127.0.0.1", port))
    s.sendall(head)
    s.setblocking(False)
    connections.append(s)

answered = {}  # connection index → status answered before the body was all sent
sent = [0] * len(connections)
peak = before
start = time.monotonic()
while time.monotonic() - start < seconds:
    for i, s in enumerate(connections):
        if i in answered:
            continue
        try:
            reply = s.recv(256)
            answered[i] = int(reply.split(b" ")[1]) if reply.startswith(b"HTTP/") else 0
            continue
        except BlockingIOError:
            pass
        except OSError:
            answered[i] = 0
            continue
        try:
            sent[i] += s.send(piece)
        except BlockingIOError:
            pass
        except OSError:
            answered[i] = 0
    peak = max(peak, rss_mb())
    time.sleep(0.1)
during = rss_mb()
for s in connections:
    s.close()
statuses = {}
for status in answered.values():
    statuses[str(status)] = statuses.get(str(status), 0) + 1
print(json.dumps({
    "authenticated": bool(token), "connections": len(connections), "seconds": seconds,
    "uploading": len(connections) - len(answered), "answered_early": statuses,
    "mib_sent": round(sum(sent) / (1 << 20), 1), "rss_mb_before": round(before, 1),
    "rss_mb_during": round(during, 1), "rss_mb_peak": round(peak, 1),
}))
