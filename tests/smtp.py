"""A real SMTP server in the test process (aiosmtpd) that records every message it accepts.

A message counts as delivered the moment the server has it, before it answers "250": a real mail
server queues the message and then says so, and a sender that dies in between cannot tell. Tests
can make it refuse addresses (5xx for good, 4xx for now) and run a hook as a message arrives
(to kill a worker right then).
"""

from __future__ import annotations

import asyncio
import email
import socket
import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from aiosmtpd.controller import Controller


@dataclass(frozen=True)
class Delivery:
    message_id: str
    to: tuple[str, ...]
    subject: str


class RecordingHandler:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.deliveries: list[Delivery] = []
        self.refuse: dict[str, str] = {}  # address -> reply, e.g. "550 5.1.1 No such user"
        # Called with the stage ("rcpt", "data", "accepted") of every message: a test's trap.
        self.on_stage: Callable[[str], None] | None = None
        # Seconds between having the message and saying "250": how long a sender waits, not
        # knowing that the mail has arrived.
        self.reply_delay = 0.0

    def _stage(self, stage: str) -> None:
        hook = self.on_stage
        if hook is not None:
            hook(stage)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        reply = self.refuse.get(address)
        if reply:
            return reply
        self._stage("rcpt")
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        self._stage("data")
        message = email.message_from_bytes(envelope.original_content or envelope.content)
        with self.lock:
            self.deliveries.append(
                Delivery(
                    message_id=str(message["Message-ID"]),
                    to=tuple(envelope.rcpt_tos),
                    subject=str(message["Subject"]),
                )
            )
        self._stage("accepted")
        if self.reply_delay:
            await asyncio.sleep(self.reply_delay)
        return "250 2.0.0 Message accepted for delivery"

    def count(self) -> int:
        with self.lock:
            return len(self.deliveries)

    def per_message_id(self) -> Counter:
        with self.lock:
            return Counter(d.message_id for d in self.deliveries)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class SMTPServer:
    def __init__(self) -> None:
        self.handler = RecordingHandler()
        self.port = free_port()
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)

    @property
    def url(self) -> str:
        """For EMAIL_URL (django-environ): a plain SMTP server on this port."""
        return f"smtp://127.0.0.1:{self.port}"

    def start(self) -> SMTPServer:
        self.controller.start()
        return self

    def stop(self) -> None:
        self.controller.stop()


@pytest.fixture
def smtp_server():
    server = SMTPServer().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def smtp_backend(smtp_server, settings):
    """Django's SMTP backend in this process, talking to the recording server."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = smtp_server.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5
    return smtp_server
