"""The open-loop client of bench/signatures.py: sign posts at a fixed arrival rate, in a process of its own.

    python -m bench.open_loop JOB.json RESULT.json   # run by bench/signatures.py

Requests arrive every 1/rate s whether or not earlier ones are done, each on a connection of
its own as each signer's browser opens its own (or on the first free one of N kept-alive
connections); a request's latency counts from its scheduled arrival, so queueing in front of a
busy server shows. A client that falls behind its own schedule would show the same way, so it
measures itself: for each request, how late the schedule handed it over (this process busy, or
not run by the OS) and how late it was written (that, plus connecting or waiting for a free
connection).

Kept-alive connections stay with the gunicorn process that accepted them, and processes accept
unevenly: in a run at 235/s over 64 of them, one process of 8 got 28% of the requests, more
than it could serve, and its queue made the whole p99 (2.3 s, all of the slowest 1% from that
one process).

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


async def open_loop(
    base: str, forms: list[dict], rate: float, seconds: float, connections: int, tag: str
) -> dict:
    """`connections`: kept-alive connections the arrivals share, each request sent on the first
    free one; 0: each request on a connection of its own, as each signer's browser opens its own.
    `tag` makes this run's addresses its own (a repeated address takes the "already signed" path)."""
    host, port = urllib.parse.urlsplit(base).hostname, urllib.parse.urlsplit(base).port
    arrivals: asyncio.Queue = asyncio.Queue()
    # One row per request: scheduled arrival (s from start), handed over late by, written late
    # by, latency (all s), status (0: the connection failed), its number (sent in a header, for
    # the server's access log when the bench asks gunicorn for one).
    requests: list[tuple[float, float, float, float, int, int]] = []

    async def send(reader, writer, arrival: float, handed_over: float, number: int, close: bool) -> bool:
        form = forms[number % len(forms)]
        body = f"{form['body']}&email={tag}o{number}%40bench.example".encode()
        last = "Connection: close\r\n" if close else ""
        writer.write(
            (
                f"POST {form['path']} HTTP/1.1\r\nHost: {host}\r\nCookie: {form['cookie']}\r\n"
                f"X-Bench-Request: {number}\r\n{last}Content-Type: application/x-www-form-urlencoded\r\n"
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
        done = time.perf_counter()
        requests.append(
            (arrival - start, handed_over - arrival, written - arrival, done - arrival, status, number)
        )
        return status != 0

    async def own_connection(arrival: float, handed_over: float, number: int) -> None:
        try:
            reader, writer = await asyncio.open_connection(host, port)
        except OSError:
            done = time.perf_counter()
            requests.append(
                (arrival - start, handed_over - arrival, done - arrival, done - arrival, 0, number)
            )
            return
        await send(reader, writer, arrival, handed_over, number, close=True)
        writer.close()

    async def shared_connection() -> None:
        reader, writer = await asyncio.open_connection(host, port)
        while (item := await arrivals.get()) is not None:
            if not await send(reader, writer, *item, close=False):
                reader, writer = await asyncio.open_connection(host, port)
        writer.close()

    shared = [asyncio.create_task(shared_connection()) for _ in range(connections)]
    await asyncio.sleep(0.2)  # the shared connections open before the first arrival
    own: set[asyncio.Task] = set()
    start, start_wall = time.perf_counter(), time.time()
    for number in range(int(rate * seconds)):
        arrival = start + number / rate
        delay = arrival - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        if shared:
            arrivals.put_nowait((arrival, time.perf_counter(), number))
        else:
            own.add(asyncio.create_task(own_connection(arrival, time.perf_counter(), number)))
    for _ in shared:
        arrivals.put_nowait(None)
    await asyncio.gather(*shared, *own)
    return {"started_at": start_wall, "requests": sorted(requests)}


def main() -> None:
    job_path, result_path = sys.argv[1:3]
    job = json.loads(open(job_path).read())
    gc.disable()  # a collection mid-run would be this client's pause, counted as the server's
    result = asyncio.run(
        open_loop(job["base"], job["forms"], job["rate"], job["seconds"], job["connections"], job["tag"])
    )
    with open(result_path, "w") as output:
        json.dump(result, output)


if __name__ == "__main__":
    main()
