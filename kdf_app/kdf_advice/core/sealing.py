"""Sealed text: what a member told us, stored encrypted and authenticated. No Frappe here.

A sealed value is ``kdf:v1:`` followed by a Fernet token (AES-128-CBC with HMAC-SHA256, from ``cryptography``).
The keys are a list, newest first: the newest seals, any of them opens (so a rotation can re-seal value by
value and drop the old key only at the end). A value that fails authentication (tampered, or sealed with a key
that is no longer in the list) is never returned as text: ``open_value`` raises ``SealBroken``.
"""

from __future__ import annotations

from collections.abc import Sequence

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from kdf_app.shared.core.i18n import DomainError, _

PREFIX = "kdf:v1:"


class SealBroken(DomainError):
	"""A sealed value that does not open with any key we hold."""


class NoKey(DomainError):
	"""There is no key to seal or open with."""


def new_key() -> str:
	return Fernet.generate_key().decode()


def is_sealed(value) -> bool:
	return isinstance(value, str) and value.startswith(PREFIX)


def _fernet(keys: Sequence[str]) -> MultiFernet:
	if not keys:
		raise NoKey(_("The key for confidential case content is missing. Ask the system administrator."))
	try:
		return MultiFernet([Fernet(k.encode() if isinstance(k, str) else k) for k in keys])
	except (ValueError, TypeError) as e:
		raise NoKey(_("The key for confidential case content is not a valid key.")) from e


def seal(plain: str | None, keys: Sequence[str]) -> str | None:
	"""The sealed form of ``plain``; empty stays empty, a sealed value stays as it is."""
	if plain in (None, ""):
		return plain
	if is_sealed(plain):
		return plain
	return PREFIX + _fernet(keys).encrypt(str(plain).encode("utf-8")).decode("ascii")


def open_value(value: str | None, keys: Sequence[str]) -> str | None:
	"""The text of a sealed value. Empty stays empty. A value without the prefix is refused too: every stored
	value is sealed, so plain text in a sealed field means someone wrote around the app."""
	if value in (None, ""):
		return value
	if not is_sealed(value):
		raise SealBroken(_("This case content is not sealed as it should be. It is not shown."))
	try:
		return _fernet(keys).decrypt(value[len(PREFIX) :].encode("ascii")).decode("utf-8")
	except (InvalidToken, UnicodeError, ValueError) as e:
		raise SealBroken(
			_(
				"This case content cannot be opened: it was changed outside the app, or the key was changed "
				"without a rotation. It is not shown."
			)
		) from e


def reseal(value: str | None, keys: Sequence[str]) -> str | None:
	"""The same text sealed with the newest key (for a rotation); empty stays empty."""
	if value in (None, ""):
		return value
	if not is_sealed(value):
		return seal(value, keys)
	try:
		return PREFIX + _fernet(keys).rotate(value[len(PREFIX) :].encode("ascii")).decode("ascii")
	except InvalidToken as e:
		raise SealBroken(
			_("A sealed value does not open with any key: rotation stopped, nothing changed.")
		) from e


def seal_bytes(content: bytes, keys: Sequence[str]) -> bytes:
	"""A file's content sealed (attachments of confidential records)."""
	if content.startswith(PREFIX.encode()):
		return content
	return PREFIX.encode() + _fernet(keys).encrypt(content)


def open_bytes(content: bytes, keys: Sequence[str]) -> bytes:
	if not content.startswith(PREFIX.encode()):
		raise SealBroken(_("This attachment is not sealed as it should be. It is not shown."))
	try:
		return _fernet(keys).decrypt(content[len(PREFIX) :])
	except (InvalidToken, ValueError) as e:
		raise SealBroken(_("This attachment cannot be opened: it was changed outside the app.")) from e


def reseal_bytes(content: bytes, keys: Sequence[str]) -> bytes:
	if not content.startswith(PREFIX.encode()):
		return seal_bytes(content, keys)
	try:
		return PREFIX.encode() + _fernet(keys).rotate(content[len(PREFIX) :])
	except InvalidToken as e:
		raise SealBroken(_("An attachment does not open with any key: rotation stopped.")) from e
