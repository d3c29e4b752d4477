"""What a metric source may read: files in the allowed folders, and public internet hosts.

Whoever may manage sources types their locations, and the server then reads them with
its own rights: a path or URL is therefore hostile until checked here.

- **Files** only inside `METRICS_FILE_ROOTS` (default `instance/metric-files`) or the demo
  data platform's own folder, plus the one demo register database the app builds itself
  (`DEMO_REGISTER_PATH`). A path is resolved first (symbolic links followed, `..`
  removed) and the *resolved* path must lie inside a root; `/proc`, `/sys` and `/dev` are
  refused whatever the roots say, and so is anything but a regular file. The file is
  then opened without following a symbolic link in its last part.
- **Hosts**: every address a host name resolves to must be a public one; loopback,
  private, shared, link-local, unique-local, multicast, reserved and unspecified
  addresses are refused (also inside IPv4-mapped, 6to4, Teredo and NAT64 IPv6 addresses,
  and whatever form the number was written in: `0x7f000001`, `2130706433` and `127.1`
  all resolve to 127.0.0.1). `METRICS_ALLOWED_HOSTS` lets named internal hosts or
  networks through; cloud metadata addresses never pass. The transport connects to the
  very address checked here and checks again at every redirect.
"""

from __future__ import annotations

import ipaddress
import logging
import os
import socket
import stat
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from flask import current_app, has_app_context

log = logging.getLogger("portfolio.metrics")

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

# Instance metadata services hand out cloud credentials; no allow-list entry reaches them.
METADATA_ADDRESSES = frozenset(
    ipaddress.ip_address(a)
    for a in (
        "169.254.169.254",  # AWS, Azure, Google Cloud, Oracle, OpenStack, DigitalOcean
        "169.254.170.2",  # AWS ECS task metadata
        "fd00:ec2::254",  # AWS over IPv6
        "100.100.100.200",  # Alibaba Cloud
    )
)
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
# Kernel and device file systems: never data, whatever a root says.
SPECIAL_FOLDERS = (Path("/proc"), Path("/sys"), Path("/dev"))


@dataclass(frozen=True)
class HostRule:
    """One entry of METRICS_ALLOWED_HOSTS: a host name or a network, maybe with a port."""

    name: str | None = None
    network: IPNetwork | None = None
    port: int | None = None

    def allows(self, host: str, address: IPAddress, port: int) -> bool:
        """Tell whether this rule lets `host` (resolved to `address`) on `port` through."""
        if self.port is not None and self.port != port:
            return False
        if self.name is not None:
            return self.name == _normal_host(host)
        return self.network is not None and address in self.network


def _normal_host(host: str) -> str:
    return host.strip().lower().rstrip(".")


def parse_host_rule(entry: str) -> HostRule:
    """Read `name`, `name:port`, `10.0.0.0/8`, `10.0.0.5:8443` or `[fd00::1]:443`."""
    text = entry.strip()
    port: int | None = None
    if text.startswith("["):
        host, sep, rest = text[1:].partition("]")
        if not sep or (rest and not rest.startswith(":")):
            raise ValueError(f"not a host: {entry!r}")
        if rest:
            port = int(rest[1:])
    elif text.count(":") == 1:
        host, _sep, port_text = text.partition(":")
        port = int(port_text)
    else:
        host = text  # a name, an IPv4 address or network, or a bare IPv6 one
    if port is not None and not 0 < port < 65536:
        raise ValueError(f"not a port: {entry!r}")
    if not host:
        raise ValueError(f"not a host: {entry!r}")
    try:
        return HostRule(network=ipaddress.ip_network(host, strict=False), port=port)
    except ValueError:
        pass
    if "/" in host or ":" in host:
        raise ValueError(f"not a host: {entry!r}")
    return HostRule(name=_normal_host(host), port=port)


@dataclass(frozen=True)
class AccessPolicy:
    """The folders and internal hosts sources may read, as the configuration says."""

    file_roots: tuple[Path, ...] = ()
    allowed_hosts: tuple[HostRule, ...] = ()
    # Single files allowed wherever they lie: the demo register the app builds itself.
    files: tuple[Path, ...] = ()

    def allows_file(self, resolved: Path) -> bool:
        """Say whether a resolved path lies inside a root (or is an allowed file)."""
        if _inside(resolved, SPECIAL_FOLDERS):
            return False
        return resolved in self.files or _inside(resolved, self.file_roots)


def policy_from_config(config: Mapping) -> AccessPolicy:
    """Build the policy from an app config (METRICS_FILE_ROOTS, METRICS_ALLOWED_HOSTS)."""
    roots = [Path(root) for root in config.get("METRICS_FILE_ROOTS") or ()]
    if config.get("METRICS_DEMO_FILE_ROOT"):
        roots.append(Path(config["METRICS_DEMO_FILE_ROOT"]))
    rules = []
    for entry in config.get("METRICS_ALLOWED_HOSTS") or ():
        try:
            rules.append(parse_host_rule(str(entry)))
        except ValueError:
            # A mistyped entry lets nothing through; the operator finds it in the log.
            log.warning("METRICS_ALLOWED_HOSTS: ignoring %r, which is no host or network", entry)
    demo_register = config.get("DEMO_REGISTER_PATH")
    files = (Path(demo_register),) if demo_register else ()
    # Resolved once, so that a root reached through a symbolic link still contains its files.
    return AccessPolicy(
        file_roots=tuple(root.resolve() for root in roots if root.is_absolute()),
        allowed_hosts=tuple(rules),
        files=tuple(path.resolve() for path in files if path.is_absolute()),
    )


def current_policy() -> AccessPolicy:
    """Return the policy of the running app; outside an app, the one the environment gives."""
    if has_app_context():
        return policy_from_config(current_app.config)
    from portfolio.config import Config, metric_allowed_hosts, metric_file_roots

    return policy_from_config(
        {
            "METRICS_FILE_ROOTS": metric_file_roots(),
            "METRICS_ALLOWED_HOSTS": metric_allowed_hosts(),
            "METRICS_DEMO_FILE_ROOT": Config.METRICS_DEMO_FILE_ROOT,
            "DEMO_REGISTER_PATH": Config.DEMO_REGISTER_PATH,
        }
    )


# --- files -------------------------------------------------------------------------------


class FileRefused(Exception):
    """The path lies outside every allowed folder, or is no regular file."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason  # "outside" or "not_regular"


def _inside(path: Path, roots: tuple[Path, ...]) -> bool:
    return any(path == root or path.is_relative_to(root) for root in roots)


def checked_path(location: str, policy: AccessPolicy) -> Path:
    """Return the resolved path of a file a source may read; raise FileRefused otherwise.

    A relative path is taken inside the first root. Raises FileNotFoundError for a path
    inside a root that does not exist (outside the roots nothing is looked up at all).
    """
    path = Path(location)
    if not path.is_absolute():
        if not policy.file_roots:
            raise FileRefused("outside")
        path = policy.file_roots[0] / path
    try:
        resolved = path.resolve()
    except (OSError, RuntimeError):  # a loop of symbolic links
        raise FileRefused("outside") from None
    if not policy.allows_file(resolved):
        raise FileRefused("outside")
    mode = resolved.stat().st_mode  # FileNotFoundError for a missing file
    if not stat.S_ISREG(mode):
        raise FileRefused("not_regular")
    return resolved


def read_checked_file(path: Path, max_bytes: int) -> bytes | None:
    """Read a checked file, or return None when it holds more than `max_bytes`.

    Opened without following a symbolic link in the last part of the path and without
    blocking (a file swapped for a pipe since the check must not hang the reader); the
    open file must still be a regular one.
    """
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    flags |= getattr(os, "O_BINARY", 0)
    try:
        descriptor = os.open(path, flags)
    except OSError:
        raise FileRefused("not_regular") from None
    with os.fdopen(descriptor, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise FileRefused("not_regular")
        if info.st_size > max_bytes:
            return None
        content = handle.read(max_bytes + 1)
    return content if len(content) <= max_bytes else None


# --- hosts -------------------------------------------------------------------------------


class HostRefused(Exception):
    """The host resolves to an address no source may reach."""

    def __init__(self, host: str, address: str):
        super().__init__(f"{host} resolves to {address}, which is not a public address")
        self.host = host
        self.address = address


class HostUnresolved(Exception):
    """The host name could not be resolved."""


def _embedded_ipv4(address: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    embedded = [address.ipv4_mapped, address.sixtofour]
    if address.teredo:
        embedded.append(address.teredo[1])
    if address in _NAT64:
        embedded.append(ipaddress.IPv4Address(int(address) & 0xFFFFFFFF))
    return [a for a in embedded if a is not None]


def is_public_address(address: IPAddress) -> bool:
    """Tell whether an address is on the public internet (and no cloud metadata service)."""
    if address in METADATA_ADDRESSES:
        return False
    if isinstance(address, ipaddress.IPv6Address):
        embedded = _embedded_ipv4(address)
        if embedded:
            # A translated address goes where its IPv4 part says.
            return all(is_public_address(a) for a in embedded)
        if address.is_site_local:
            return False
    return address.is_global and not (
        address.is_multicast
        or address.is_private
        or address.is_reserved
        or address.is_loopback
        or address.is_link_local
        or address.is_unspecified
    )


def _is_metadata(address: IPAddress) -> bool:
    if address in METADATA_ADDRESSES:
        return True
    if isinstance(address, ipaddress.IPv6Address):
        return any(a in METADATA_ADDRESSES for a in _embedded_ipv4(address))
    return False


def permitted_addresses(host: str, port: int, policy: AccessPolicy) -> list[str]:
    """Resolve a host and return its addresses, all checked; raise HostRefused otherwise.

    Every address the name resolves to must be public or allowed by a rule: a name that
    resolves to a public and an internal address is refused, since the connection could
    end at either.
    """
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as error:
        raise HostUnresolved(f"{host}: {error}") from None
    addresses: list[str] = []
    for _family, _type, _proto, _name, sockaddr in infos:
        text = str(sockaddr[0]).partition("%")[0]  # an IPv6 zone ("%eth0") names no host
        if text not in addresses:
            addresses.append(text)
    if not addresses:
        raise HostUnresolved(f"{host}: no addresses")
    for text in addresses:
        address = ipaddress.ip_address(text)
        if is_public_address(address):
            continue
        if _is_metadata(address) or not any(
            rule.allows(host, address, port) for rule in policy.allowed_hosts
        ):
            raise HostRefused(host, text)
    return addresses
