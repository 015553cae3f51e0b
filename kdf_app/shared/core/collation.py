"""Norwegian alphabetical order for lists a person reads.

The database sorts with ``utf8mb4_unicode_ci``, which files Å under A («Åfjord, Ål, Ålesund, Alstahaug»), and
Python's own ``sorted`` goes by code point (upper case before lower case, Å before Æ before Ø). Norwegians
expect the alphabet to end with Æ, Ø, Å: «Alstahaug, …, Øygarden, Åfjord, Ål, Ålesund». This is the order of
the Unicode CLDR collation for Norwegian (nb/nn), which :func:`sort_key` follows at the primary level:

- case and accents do not decide the order (é files as e), only break a tie at the end;
- Æ, Ø, Å are letters of their own after Z; Ä files as Æ, Ö as Ø, Ü as Y (CLDR);
- the double letter «aa» in names files as Å (Haakon as Håkon, Aasen as Åsen), as Språkrådet's rules and CLDR
  say;
- space, then other punctuation, come before digits, which come before letters («Nord-Fron» before
  «Nordkapp», as in CLDR's default, where punctuation is not ignored).

MariaDB 10.11 has ``utf8mb4_danish_ci``, which gives the same order in SQL; KDF sorts its lists in Python
instead (they are short, and a key in one place is tested once and works on any database). See
:func:`sort_norwegian`.
"""

import unicodedata
from collections.abc import Callable, Iterable
from typing import TypeVar

T = TypeVar("T")

ALPHABET = "abcdefghijklmnopqrstuvwxyzæøå"
_LETTER_RANK = {c: 100 + i for i, c in enumerate(ALPHABET)}
# letters that Norwegian files as another letter (CLDR nb: ä is a variant of æ, ö of ø, ü of y; Icelandic and
# Old Norse letters as their transliteration)
_FOLD = {"ä": "æ", "ö": "ø", "ő": "ø", "ü": "y", "ű": "y", "đ": "d", "ð": "d", "þ": "th", "ł": "l", "œ": "øe"}
_SPACE, _PUNCT, _DIGIT = 1, 2, 10
_OTHER = 1000  # letters of other scripts: after Å, by code point


def _primary(ch: str) -> tuple[int, ...]:
	if ch in _LETTER_RANK:
		return (_LETTER_RANK[ch],)
	folded = _FOLD.get(ch)
	if folded:
		return tuple(r for c in folded for r in _primary(c))
	if ch.isspace():
		return (_SPACE,)
	if ch.isdigit():
		return (_DIGIT + int(unicodedata.digit(ch, 0)),)
	base = unicodedata.normalize("NFD", ch)[0]  # é → e, ñ → n; not æ, ø, å (caught above)
	if base != ch and base in _LETTER_RANK:
		return (_LETTER_RANK[base],)
	if unicodedata.category(ch).startswith(("P", "S")):
		return (_PUNCT,)
	if unicodedata.category(ch).startswith("M"):  # a combining accent on its own
		return ()
	return (_OTHER + ord(ch),)


def sort_key(text: object) -> tuple:
	"""The key that puts names in Norwegian alphabetical order: ``sorted(names, key=sort_key)``.
	``None`` and empty text sort first. Equal at the primary level (case, accents), the text with fewer
	accents and lower case comes first, and the original text decides the rest, so the order is total."""
	original = "" if text is None else str(text)
	folded = unicodedata.normalize("NFC", original).casefold().strip()
	primary: list[int] = []
	i = 0
	while i < len(folded):
		ch = folded[i]
		if ch == "a" and folded[i + 1 : i + 2] == "a":
			primary.append(_LETTER_RANK["å"])
			i += 2
			continue
		primary.extend(_primary(ch))
		i += 1
	return (tuple(primary), unicodedata.normalize("NFD", folded), original.swapcase())


def sort_norwegian(
	items: Iterable[T], key: Callable[[T], object] | None = None, reverse: bool = False
) -> list[T]:
	"""``items`` in Norwegian alphabetical order of ``key(item)`` (the item itself when no key is given)."""
	get = key or (lambda item: item)
	return sorted(items, key=lambda item: sort_key(get(item)), reverse=reverse)


def field_key(*fields: str) -> Callable[[dict], tuple]:
	"""A key for dict rows: Norwegian order by ``fields`` in turn (``sorted(rows, key=field_key("name"))``)."""
	return lambda row: tuple(sort_key(row.get(f)) for f in fields)
