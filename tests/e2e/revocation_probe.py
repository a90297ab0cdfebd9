"""Runs inside a client's namespace: holds a keep-alive connection and a slow
download open, runs the revoke command given on the command line, and reports
as JSON when each connection last received a byte, relative to the moment the
revoke command returned."""
import http.client
import json
import socket
import subprocess
import sys
import threading
import time

host, port, getmap_path, caps_path = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
revoke_command = sys.argv[5:]

# Keep-alive connection: one full answer first.
keep = http.client.HTTPConnection(host, port, timeout=10)
keep.request("GET", caps_path)
first = keep.getresponse()
first.read()
keep_alive_ok = first.status == 200 and not first.will_close

# Slow download: a small receive buffer and slow reads keep it mid-transfer.
download = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
download.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8192)
download.connect((host, port))
download.sendall(f"GET {getmap_path} HTTP/1.1\r\nHost: {host}\r\n\r\n".encode())
download.settimeout(0.2)
state = {"bytes": 0, "last": None, "eof": False, "stop": False}


def reader():
    while not state["stop"]:
        try:
            chunk = download.recv(2048)
        except socket.timeout:
            continue
        except OSError:
            break
        if not chunk:
            state["eof"] = True
            break
        state["bytes"] += len(chunk)
        state["last"] = time.monotonic()
        time.sleep(0.02)


thread = threading.Thread(target=reader)
thread.start()
deadline = time.monotonic() + 30
while state["bytes"] < 32768 and time.monotonic() < deadline:
    time.sleep(0.05)
bytes_before = state["bytes"]

started = time.monotonic()
revoke = subprocess.run(revoke_command, capture_output=True, text=True)
returned = time.monotonic()

# The keep-alive connection asks again: nothing may come back.
keep_answer = None
try:
    keep.sock.settimeout(3)
    keep.request("GET", caps_path)
    response = keep.getresponse()
    keep_answer = response.status
except Exception as error:  # reset, closed, or silence
    keep_answer = type(error).__name__

time.sleep(3)
state["stop"] = True
thread.join()
print(json.dumps({
    "keep_alive_ok_before": keep_alive_ok,
    "revoke_status": revoke.returncode,
    "revoke_stderr": revoke.stderr.strip(),
    "revoke_seconds": returned - started,
    "download_bytes_before": bytes_before,
    "download_bytes": state["bytes"],
    "download_eof": state["eof"],
    "download_last_byte_after_return": (state["last"] - returned) if state["last"] else None,
    "keep_alive_answer_after": keep_answer,
}))
