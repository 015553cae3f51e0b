"""Who is asking: the client's address behind a proxy, and export cells that a spreadsheet would run.
No Frappe here."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable

# Frappe runs behind nginx on the same machine: loopback is the proxy unless site_config says otherwise.
DEFAULT_TRUSTED_PROXIES = ("127.0.0.1/32", "::1/128")


def _networks(cidrs: Iterable[str]):
	out = []
	for c in cidrs or ():
		try:
			out.append(ipaddress.ip_network(str(c).strip(), strict=False))
		except ValueError:
			continue
	return out


def _in(address: str, networks) -> bool:
	try:
		ip = ipaddress.ip_address(address.strip())
	except ValueError:
		return False
	return any(ip in n for n in networks)


def client_address(remote_addr: str | None, forwarded_for: str | None, trusted_proxies: Iterable[str]) -> str:
	"""The address rate limits are keyed on. ``X-Forwarded-For`` is believed only when the connection comes
	from a trusted proxy, and then only its rightmost entry that is not itself a trusted proxy (what the
	proxy saw): a client cannot choose its own key by sending the header itself."""
	remote = (remote_addr or "").strip() or "0.0.0.0"
	networks = _networks(trusted_proxies)
	if not forwarded_for or not _in(remote, networks):
		return remote
	hops = [h.strip() for h in forwarded_for.split(",") if h.strip()]
	for hop in reversed(hops):
		if not _in(hop, networks):
			try:
				return str(ipaddress.ip_address(hop))
			except ValueError:
				return remote
	return remote


_NUMBER = re.compile(r"[-+]?\d[\d\s.,]*")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_cell(value):
	"""A text cell that a spreadsheet would read as a formula gets a leading apostrophe; numbers stay."""
	if not isinstance(value, str) or not value.startswith(FORMULA_STARTS):
		return value
	if _NUMBER.fullmatch(value):
		return value
	return "'" + value
