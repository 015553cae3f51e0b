"""Translatable domain errors without a framework.

``_`` only marks a message for translation (Frappe's extractor picks up calls of it); the service layer
renders a :class:`DomainError` with ``frappe._`` so users read it in their own language.
"""

from collections.abc import Callable


def _(message: str) -> str:
	return message


class DomainError(ValueError):
	"""A rule of the domain was broken. ``message`` is an English template with ``{0}``-style slots."""

	def __init__(self, message: str, *args: object, field: str | None = None):
		self.message = message
		self.params = args
		self.field = field
		super().__init__(self.render())

	def render(self, translate: Callable[[str], str] = lambda s: s) -> str:
		return translate(self.message).format(*self.params)
