"""The open-loop client of bench/signatures.py: sign posts at a fixed arrival rate, in a process of its own.

    python -m bench.open_loop JOB.json RESULT.json   # run by bench/signatures.py

Requests arrive every 1/rate s whether or not earlier ones are done, each sent on the first free
one of `connections` kept-alive connections; a request's latency counts from its scheduled
arrival, so queueing in front of a busy server shows. A client that falls behind its own
schedule would show the same way, so it measures itself: for each request, how late the
schedule handed it over (this process busy or not scheduled by the OS) and how late it was
written (that, plus waiting for a free connection).

Why a process of its own: in the bench's process, the /proc sampling and the database queries
between runs would hold the interpreter while arrivals are due. Why not wrk: wrk 4.1 has no
fixed rate (wrk2's -R), and with a per-connection delay() its latency would count from the
send, not the arrival, hiding the queue this measures.
"""

import asyncio
import gc
import json
import re
import sys
import time
import urllib.parse

CONTENT_LENGTH = re.compile(rb"content-length: (\d+)", re.I)


async def open_loop(base: str, forms: list[dict], rate: float, seconds: float, connections: int) -> dict:
    host, port = urllib.parse.urlsplit(base).hostname, urllib.parse.urlsplit(base).port
    arrivals: asyncio.Queue = asyncio.Queue()
    # One row per request: scheduled arrival (s from start), handed over late by, written late
    # by, latency (all s), status (0: the connection failed), its number (sent in a header, for
    # the server's access log when the bench asks gunicorn for one).
    requests: list[tuple[float, float, float, float, int, int]] = []

    async def connection_loop(number: int):
        reader, writer = await asyncio.open_connection(host, port)
        sent = 0
        while True:
            item = await arrivals.get()
            if item is None:
                writer.close()
                return
            arrival, handed_over, request_number = item
            sent += 1
            form = forms[(number + sent) % len(forms)]
            body = f"{form['body']}&email=o{number}x{sent}%40bench.example".encode()
            writer.write(
                (
                    f"POST {form['path']} HTTP/1.1\r\nHost: {host}\r\nCookie: {form['cookie']}\r\n"
                    f"X-Bench-Request: {request_number}\r\n"
                    "Content-Type: application/x-www-form-urlencoded\r\n"
                    f"Content-Length: {len(body)}\r\n\r\n"
                ).encode()
                + body
            )
            written = time.perf_counter()
            try:
                head = await reader.readuntil(b"\r\n\r\n")
                await reader.readexactly(int(CONTENT_LENGTH.search(head).group(1)))
                status = int(head.split(b" ", 2)[1])
            except (OSError, asyncio.IncompleteReadError):
                status = 0
                reader, writer = await asyncio.open_connection(host, port)
            done = time.perf_counter()
            requests.append(
                (
                    arrival - start,
                    handed_over - arrival,
                    written - arrival,
                    done - arrival,
                    status,
                    request_number,
                )
            )

    loops = [asyncio.create_task(connection_loop(number)) for number in range(connections)]
    await asyncio.sleep(0.2)  # the connections open before the first arrival
    start, start_wall = time.perf_counter(), time.time()
    for number in range(int(rate * seconds)):
        arrival = start + number / rate
        delay = arrival - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        arrivals.put_nowait((arrival, time.perf_counter(), number))
    for _ in loops:
        arrivals.put_nowait(None)
    await asyncio.gather(*loops)
    return {"started_at": start_wall, "requests": sorted(requests)}


def main() -> None:
    job_path, result_path = sys.argv[1:3]
    job = json.loads(open(job_path).read())
    gc.disable()  # a collection mid-run would be this client's pause, counted as the server's
    result = asyncio.run(
        open_loop(job["base"], job["forms"], job["rate"], job["seconds"], job["connections"])
    )
    with open(result_path, "w") as output:
        json.dump(result, output)


if __name__ == "__main__":
    main()
