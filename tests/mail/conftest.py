"""The mail tests' SMTP server: a real aiosmtpd on a free local port, and the job that
sends through it."""

from __future__ import annotations

import email
import email.policy
import socket

import pytest
from aiosmtpd.controller import Controller


class Inbox:
    """Collects what the SMTP server accepted; refuses recipients listed in `refuse`."""

    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []
        self.refuse: set[str] = set()
        self.port = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 No such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(
            email.message_from_bytes(envelope.content, policy=email.policy.default)
        )
        return "250 Message accepted for delivery"

    def to(self, address: str, digest: bool = False) -> list[email.message.EmailMessage]:
        """The mail to this address: the weekly digest, or everything else."""
        return [
            m
            for m in self.messages
            if m["To"] == address and m["Subject"].startswith("Ugens oversigt") == digest
        ]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp(app):
    """A real SMTP server on a free local port, and the app configured to use it."""
    inbox = Inbox()
    port = free_port()
    inbox.port = port
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    app.config.update(
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=port,
        MAIL_SECURITY="none",
        MAIL_FROM="Styrbord <styrbord@example.dk>",
        PUBLIC_BASE_URL="https://styrbord.example.dk",
    )
    yield inbox
    controller.stop()


def job(runner) -> str:
    result = runner.invoke(args=["mail", "send"])
    assert result.exit_code == 0, result.output
    return result.output
