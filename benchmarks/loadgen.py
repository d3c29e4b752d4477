"""A small, bounded HTTP load generator for 127.0.0.1 only.

Each client is a thread with one keep-alive connection that requests its URLs in turn
until the time is up; the run can never outlast its duration (plus one request's
timeout), and it refuses any host but the loopback address.
"""

from __future__ import annotations

import http.client
import threading
import time
from dataclasses import dataclass, field

HOST = "127.0.0.1"
TIMEOUT = 10


@dataclass
class LoadResult:
    duration: float
    latencies_ms: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def requests(self) -> int:
        return len(self.latencies_ms) + len(self.errors)

    @property
    def throughput(self) -> float:
        return len(self.latencies_ms) / self.duration


def run(
    port: int,
    urls: list[str],
    *,
    clients: int,
    duration: float,
    headers: dict[str, str] | None = None,
) -> LoadResult:
    """Request `urls` round-robin from `clients` threads for `duration` seconds."""
    if not 0 < duration <= 120 or not 0 < clients <= 64:
        raise ValueError("the load generator is bounded: ≤ 120 s and ≤ 64 clients")
    result = LoadResult(duration)
    lock = threading.Lock()
    deadline = time.perf_counter() + duration

    def client(offset: int) -> None:
        connection = http.client.HTTPConnection(HOST, port, timeout=TIMEOUT)
        latencies, errors, index = [], [], offset
        while time.perf_counter() < deadline:
            url = urls[index % len(urls)]
            index += 1
            start = time.perf_counter()
            try:
                connection.request("GET", url, headers=headers or {})
                response = connection.getresponse()
                response.read()
                if response.status != 200:
                    errors.append(f"{response.status} {url}")
                else:
                    latencies.append((time.perf_counter() - start) * 1000)
            except (OSError, http.client.HTTPException) as error:
                errors.append(f"{type(error).__name__} {url}")
                connection.close()
                connection = http.client.HTTPConnection(HOST, port, timeout=TIMEOUT)
        connection.close()
        with lock:
            result.latencies_ms.extend(latencies)
            result.errors.extend(errors)

    threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(duration + TIMEOUT + 1)
    return result
