"""The fix proposed for campaign/core/mail.py, applied by monkeypatch in the benchmark's workers.

`SmtpTransport._connect` sends no EHLO (strict servers answer MAIL with "503 send HELO first")
and leaves Nagle's algorithm on: `send_raw` writes the body, commits the hand-over mark, then
writes the final "." alone, which waits for the server's delayed ACK of the body (~40 ms on
Linux) before it leaves. One line each fixes them; once core/mail.py has both, this is a no-op.
"""

import socket

from campaign.core.mail import SmtpTransport


def apply() -> None:
    if getattr(SmtpTransport._connect, "bench_fixed", False):
        return
    connect = SmtpTransport._connect

    def _connect(self):
        connection = connect(self)
        connection.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        connection.ehlo_or_helo_if_needed()
        return connection

    _connect.bench_fixed = True
    SmtpTransport._connect = _connect
