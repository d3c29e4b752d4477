"""A real OpenID Connect provider for the tests: the `oidc-provider` npm package (an
OpenID-certified implementation) run with the machine's Node.js on a free 127.0.0.1 port,
and a small tampering proxy in front of its token endpoint for the failure cases.

`npm ci` runs once per checkout (node_modules is kept beside package.json); without node or
npm the tests that need the provider skip and say so.
"""

from __future__ import annotations

import base64
import http.server
import json
import os
import shutil
import socket
import subprocess
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from filelock import FileLock
from joserfc import jwt
from joserfc.jwk import RSAKey

HERE = Path(__file__).resolve().parent
CLIENT_ID = "styrbord-test"
CLIENT_SECRET = "test-only-client-secret"
ACCOUNTS = {
    "anna": {"email": "anna@example.dk", "name": "Anna Andersen", "groups": ["ddns-sekretariat"]},
    "bo": {"email": "bo@example.dk", "name": "Bo Berg", "groups": ["ddns-styregruppe", "andet"]},
    "carl": {"email": "carl@example.dk", "name": "Carl Carlsen", "groups": []},
}


def missing() -> str | None:
    """Say why the provider cannot run here, or None."""
    for tool in ("node", "npm"):
        if shutil.which(tool) is None:
            return f"{tool} is not installed (apt-get install nodejs npm)"
    return None


def install() -> None:
    """`npm ci` once: skipped when node_modules already matches package-lock.json.

    Under a file lock, so that parallel test workers (pytest -n) install it once between them
    and none starts the provider from a half-written node_modules.
    """
    with FileLock(str(HERE / ".npm-ci.lock"), timeout=600):
        _install()


def _install() -> None:
    marker = HERE / "node_modules" / ".package-lock.json"
    lock = HERE / "package-lock.json"
    if marker.exists() and marker.stat().st_mtime >= lock.stat().st_mtime:
        return
    result = subprocess.run(
        ["npm", "ci", "--no-audit", "--no-fund", "--prefix", str(HERE)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if result.returncode != 0:
        pytest.fail(f"npm ci for the test OIDC provider failed:\n{result.stderr[-2000:]}")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Provider:
    """oidc-provider running in a Node.js process on 127.0.0.1."""

    def __init__(
        self, *, port: int, redirect_uris: list[str], post_logout: list[str], id_token_ttl=600
    ):
        self.port = port
        # The test holds the signing key, so it can also sign a token the provider never would.
        self.key = RSAKey.generate_key(2048, {"kid": "test-key", "use": "sig", "alg": "RS256"})
        self.issuer = f"http://127.0.0.1:{self.port}"
        clients = [
            {
                "client_id": CLIENT_ID,
                "client_secret": CLIENT_SECRET,
                "redirect_uris": redirect_uris,
                "post_logout_redirect_uris": post_logout,
            }
        ]
        env = {
            **os.environ,
            "OIDC_PORT": str(self.port),
            "OIDC_ISSUER": self.issuer,
            "OIDC_CLIENTS": json.dumps(clients),
            "OIDC_ACCOUNTS": json.dumps(ACCOUNTS),
            "OIDC_ID_TOKEN_TTL": str(id_token_ttl),
            "OIDC_JWKS": json.dumps({"keys": [self.key.as_dict(private=True)]}),
            "NODE_ENV": "test",
        }
        self._process = subprocess.Popen(
            ["node", str(HERE / "server.js")],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self._wait_for_discovery()

    def _wait_for_discovery(self) -> None:
        deadline = time.monotonic() + 20
        url = self.issuer + "/.well-known/openid-configuration"
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                output = self._process.stdout.read() if self._process.stdout else ""
                pytest.fail(f"the test OIDC provider stopped:\n{output[-2000:]}")
            try:
                if httpx.get(url, timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        self.stop()
        pytest.fail("the test OIDC provider did not publish its discovery document in 20 s")

    def stop(self) -> None:
        if self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait(timeout=10)
        if self._process.stdout:
            self._process.stdout.close()


class TamperingProxy:
    """Stands between the app and the provider's back channel (discovery, token, JWKS).

    mode "pass" changes nothing; "signature" breaks the ID token's signature; "issuer"
    swaps in an ID token from another issuer (the `forge` callable signs it); "slow" waits
    `delay` seconds before answering, so a short-lived ID token arrives expired.
    """

    def __init__(self, issuer: str):
        self.issuer = issuer
        self.mode = "pass"
        self.delay = 0.0
        self.forge: Any = None
        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def _send(self, status: int, body: bytes, content_type: str) -> None:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self):
                upstream = httpx.get(proxy.issuer + self.path, timeout=10)
                body = upstream.content
                if self.path.startswith("/.well-known/openid-configuration"):
                    document = upstream.json()
                    document["token_endpoint"] = proxy.base_url + "/token"
                    document["jwks_uri"] = proxy.base_url + "/jwks"
                    body = json.dumps(document).encode()
                self._send(upstream.status_code, body, "application/json")

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                data = self.rfile.read(length)
                upstream = httpx.post(
                    proxy.issuer + self.path,
                    content=data,
                    headers={
                        "Content-Type": self.headers.get("Content-Type", ""),
                        "Authorization": self.headers.get("Authorization", ""),
                    },
                    timeout=10,
                )
                body = upstream.content
                if upstream.status_code == 200 and "id_token" in upstream.text:
                    answer = upstream.json()
                    answer["id_token"] = proxy.tamper(answer["id_token"])
                    body = json.dumps(answer).encode()
                if proxy.mode == "slow":
                    time.sleep(proxy.delay)
                self._send(upstream.status_code, body, "application/json")

        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base_url = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        self.seen_id_tokens: list[str] = []

    def tamper(self, id_token: str) -> str:
        self.seen_id_tokens.append(id_token)
        if self.mode == "signature":
            head, payload, signature = id_token.split(".")
            raw = bytearray(base64.urlsafe_b64decode(signature + "=" * (-len(signature) % 4)))
            raw[0] ^= 0xFF
            bad = base64.urlsafe_b64encode(bytes(raw)).rstrip(b"=").decode()
            return f"{head}.{payload}.{bad}"
        if self.mode == "issuer" and self.forge is not None:
            return self.forge(id_token)
        return id_token

    @property
    def discovery_url(self) -> str:
        return self.base_url + "/.well-known/openid-configuration"

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)


def resign(id_token: str, key: RSAKey, **changes: Any) -> str:
    """The ID token's claims with `changes`, signed again with the provider's own key."""
    claims = json.loads(base64.urlsafe_b64decode(id_token.split(".")[1] + "=="))
    claims.update(changes)
    return jwt.encode({"alg": "RS256", "kid": key.kid}, claims, key)
