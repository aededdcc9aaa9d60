"""A loopback TCP relay that holds every chunk for a fixed time in each direction.

Loopback answers in microseconds, so it hides what concurrency is for: on a real
connection each request waits a round trip. This relay puts that wait back, and only
that: bytes are forwarded unchanged and in order (TLS passes through untouched), each
chunk ``delay`` seconds after it arrived, however many are in flight.

    python -m bench.delay_proxy TARGET_HOST TARGET_PORT DELAY_MS

It binds a free loopback port, prints it on stdout, and relays until killed.
"""

from __future__ import annotations

import asyncio
import sys
import time


async def _pump(reader: asyncio.StreamReader, writer: asyncio.StreamWriter,
                delay: float) -> None:
    queue: asyncio.Queue[tuple[float, bytes]] = asyncio.Queue()

    async def release() -> None:
        while True:
            due, chunk = await queue.get()
            if not chunk:
                break
            wait = due - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            writer.write(chunk)
            await writer.drain()
        writer.close()

    sender = asyncio.create_task(release())
    try:
        while chunk := await reader.read(65536):
            queue.put_nowait((time.monotonic() + delay, chunk))
    except ConnectionError:
        pass
    queue.put_nowait((0.0, b""))
    await sender


async def _serve(host: str, port: int, delay: float) -> None:
    async def relay(client_reader: asyncio.StreamReader,
                    client_writer: asyncio.StreamWriter) -> None:
        server_reader, server_writer = await asyncio.open_connection(host, port)
        await asyncio.gather(_pump(client_reader, server_writer, delay),
                             _pump(server_reader, client_writer, delay),
                             return_exceptions=True)

    server = await asyncio.start_server(relay, "127.0.0.1", 0)
    print(server.sockets[0].getsockname()[1], flush=True)
    async with server:
        await server.serve_forever()


def main() -> None:
    host, port, delay_ms = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
    asyncio.run(_serve(host, port, delay_ms / 2000))  # half the round trip each way


if __name__ == "__main__":
    main()
