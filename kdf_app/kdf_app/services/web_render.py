"""Portal pages without Frappe's per-request template compiling.

Frappe 15 builds a new Jinja environment for every request (``frappe.utils.jinja.get_jenv``, kept on
``frappe.local``), so every page compiles its templates again — base.html, web.html, the navbar and footer, the
page's own — about half of a logged-in member's page. Jinja can keep compiled templates in a *bytecode cache*;
:func:`before_request` gives each web page request's environment one kept in the worker process
(:class:`ProcessBytecodeCache`). Only the compiled code of a template file is kept, keyed by its name and
checked by Jinja against the checksum of its current source (an edited template is compiled again); the
environment, its globals (the request's user, kdf_app's guarded sandbox, kdf_app.kdf_privacy.services.sandbox) and the
rendering stay the request's own, exactly as before.

The rest of a page's time goes to finding it (below): our own pages are found directly.
"""

from collections import OrderedDict
from pathlib import Path

import frappe
from frappe.website.page_renderers.document_page import DocumentPage
from frappe.website.page_renderers.template_page import TemplatePage
from jinja2 import BytecodeCache

from kdf_app.kdf_app.services import page_cache

NOT_PAGES = ("/api/", "/assets/", "/files/", "/private/", "/socket.io", "/backups")


class ProcessBytecodeCache(BytecodeCache):
	"""Compiled template code by template name, for the life of the worker process."""

	def __init__(self):
		self.store: dict[str, bytes] = {}

	def load_bytecode(self, bucket) -> None:
		code = self.store.get(bucket.key)
		if code is not None:
			bucket.bytecode_from_string(code)  # Jinja drops it if the source's checksum has changed

	def dump_bytecode(self, bucket) -> None:
		self.store[bucket.key] = bucket.bytecode_to_string()

	def clear(self) -> None:
		self.store.clear()


BYTECODE = ProcessBytecodeCache()
COMPILED: OrderedDict[str, object] = OrderedDict()  # template text -> compiled code (Frappe's web blocks)
COMPILED_LIMIT = 256


def from_string_kept(jenv):
	"""``Environment.from_string`` for this request's environment, with the compiled code of a template text
	kept in the process (Frappe renders its navbar and footer from text on every page). The code is what
	``jenv.compile`` makes of the same text; globals and rendering are the request's own."""

	def from_string(source, globals=None, template_class=None):
		code = COMPILED.get(source)
		if code is None:
			code = jenv.compile(source)
			COMPILED[source] = code
			while len(COMPILED) > COMPILED_LIMIT:
				COMPILED.popitem(last=False)
		return (template_class or jenv.template_class).from_code(jenv, code, jenv.make_globals(globals), None)

	return from_string


def before_request() -> None:
	"""A web page request's Jinja environment gets the process's compiled templates."""
	request = getattr(frappe.local, "request", None)
	if request is None or request.path.startswith(NOT_PAGES):
		return
	jenv = frappe.get_jenv()
	jenv.bytecode_cache = BYTECODE
	jenv.from_string = from_string_kept(jenv)


# --- our pages without the search through everyone's routes ------------------------------------------------
# For every web request Frappe builds a werkzeug map of all website route rules (twice: the route itself, then
# the web forms' routes), asks every web form and every doctype with a web view whether it is theirs, and only
# then finds the page's template. KDF's own portal pages (kdf_app/www) and session pages are neither dynamic
# routes nor web forms: the hooks below find them directly and leave every other path to Frappe.

WWW = Path(__file__).resolve().parents[2] / "www"
OWN_PAGES = frozenset(
	p.stem if p.suffix == ".html" else p.name
	for p in WWW.iterdir()
	if (p.suffix == ".html" or (p.is_dir() and (p / "index.html").exists()))
)
SESSION_PREFIX = "topplederprogram/"


def own_page(path: str) -> bool:
	return path.strip("/ ").split("/", 1)[0] in OWN_PAGES


def resolve_path(path: str) -> str:
	"""``website_path_resolver`` hook: our pages resolve to themselves; any other path as Frappe resolves it."""
	if own_page(path) and not path.endswith(".html"):
		frappe.local.path = path
		return path
	from frappe.website.path_resolver import resolve_path as frappe_resolve_path

	return frappe_resolve_path(path)


class PortalPage(TemplatePage):
	"""``page_renderer`` hook: a page of kdf_app/www, rendered by Frappe's own TemplatePage, found first."""

	def set_template_path(self):
		if own_page(self.path):
			super().set_template_path()

	def can_render(self) -> bool:
		return getattr(self, "app", None) == "kdf_app" and super().can_render()

	def get_html(self):
		page_cache.for_this_visitor()
		return super().get_html()


class SessionPage(DocumentPage):
	"""``page_renderer`` hook: a session's page (topplederprogram/<session>), Frappe's DocumentPage found first
	(its permission check included)."""

	def can_render(self) -> bool:
		return self.path.startswith(SESSION_PREFIX) and super().can_render()

	def get_html(self):
		page_cache.for_this_visitor()
		return super().get_html()
