"""A real aiosmtpd SMTP server, in a process of its own, that only records each message's delivery id.

The bulk sender writes `Message-ID: <DELIVERY_ID.delivery@DOMAIN>`; the sink keeps every id it
receives (duplicates included), so the benchmark can count duplicates and misses afterwards.
It does as little as a server can, so that on a small machine the CPU goes to the sender.
"""

import asyncio
import multiprocessing
import time
from array import array
from dataclasses import dataclass

MESSAGE_ID = b"\r\nMessage-ID: <"
UNKNOWN = -1  # a message without a delivery id (a test send, say)


class Recorder:
    """The aiosmtpd handler: find the delivery id, count it, say 250."""

    def __init__(self, received, distinct, last_at):
        self.ids = array("q")
        self.seen: set[int] = set()
        self.received, self.distinct, self.last_at = received, distinct, last_at

    async def handle_DATA(self, server, session, envelope):
        content = envelope.original_content
        start = content.find(MESSAGE_ID)
        delivery_id = UNKNOWN
        if start >= 0:
            start += len(MESSAGE_ID)
            digits = content[start : content.find(b".", start)]
            delivery_id = int(digits) if digits.isdigit() else UNKNOWN
        self.ids.append(delivery_id)
        if delivery_id not in self.seen:
            self.seen.add(delivery_id)
            self.distinct.value += 1
        self.received.value += 1
        self.last_at.value = time.time()
        return "250 OK"


def _angle_addr(arg: str, keyword: str) -> str | None:
    if not arg or not arg[: len(keyword)].upper() == keyword:
        return None
    address = arg[len(keyword) :].strip().partition(">")[0].lstrip("<")
    return address or None


def _serve(port: int, received, distinct, last_at, control) -> None:
    from aiosmtpd.smtp import SMTP

    class Server(SMTP):
        line_length_limit = 1 << 20  # the reader's buffer limit: a whole message fits

        # MAIL and RCPT: aiosmtpd parses each address with the email package's RFC 5322 parser
        # (~0.2 ms each); the sink takes what is between the angle brackets.
        async def smtp_MAIL(self, arg: str) -> None:
            if await self.check_helo_needed():
                return
            self.envelope.mail_from = _angle_addr(arg, "FROM:")
            await self.push("250 OK" if self.envelope.mail_from else "501 Syntax: MAIL FROM: <address>")

        async def smtp_RCPT(self, arg: str) -> None:
            if await self.check_helo_needed():
                return
            address = _angle_addr(arg, "TO:")
            if address and self.envelope.mail_from:
                self.envelope.rcpt_tos.append(address)
            await self.push("250 OK" if address else "501 Syntax: RCPT TO: <address>")

        async def smtp_DATA(self, arg: str) -> None:
            """aiosmtpd reads DATA a line at a time (~0.6 ms of CPU for a 5 kB message); a sink
            that only wants the Message-ID reads it in one piece and skips dot-unstuffing."""
            if await self.check_helo_needed():
                return
            if not self.envelope.rcpt_tos:
                await self.push("503 Error: need RCPT command")
                return
            await self.push("354 End data with <CR><LF>.<CR><LF>")
            data = await self._reader.readuntil(b"\r\n.\r\n")
            self.envelope.content = self.envelope.original_content = data[:-3]
            status = await self.event_handler.handle_DATA(self, self.session, self.envelope)
            self._set_post_data_state()
            await self.push(status)

    async def main() -> None:
        recorder = Recorder(received, distinct, last_at)
        loop = asyncio.get_running_loop()
        server = await loop.create_server(
            lambda: Server(recorder, hostname="sink.localhost", data_size_limit=None),
            host="127.0.0.1",
            port=port,
        )
        answered = asyncio.Event()

        def on_control() -> None:
            request = control.recv()
            if request == "ids":
                control.send_bytes(recorder.ids.tobytes())
            else:  # "stop"
                answered.set()

        loop.add_reader(control.fileno(), on_control)
        control.send("ready")
        await answered.wait()
        server.close()

    asyncio.run(main())


@dataclass
class Sink:
    """The parent's handle on the server process: live counters, and the ids on request."""

    port: int
    process: multiprocessing.Process
    received: object  # multiprocessing.Value("q")
    distinct: object
    last_at: object  # multiprocessing.Value("d"): time.time() of the last message
    control: object  # one end of a Pipe

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def ids(self) -> array:
        self.control.send("ids")
        ids = array("q")
        ids.frombytes(self.control.recv_bytes())
        return ids

    def stop(self) -> None:
        if self.process.is_alive():
            self.control.send("stop")
            self.process.join(10)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()


def start(port: int) -> Sink:
    context = multiprocessing.get_context("spawn")  # nothing of the parent's app or sockets
    received, distinct = context.Value("q", 0, lock=False), context.Value("q", 0, lock=False)
    last_at = context.Value("d", 0.0, lock=False)
    parent_end, child_end = context.Pipe()
    process = context.Process(
        target=_serve,
        args=(port, received, distinct, last_at, child_end),
        name="smtp-sink",
        daemon=True,
    )
    process.start()
    if not parent_end.poll(30) or parent_end.recv() != "ready":
        process.kill()
        raise RuntimeError("the SMTP sink did not start")
    return Sink(port, process, received, distinct, last_at, parent_end)
