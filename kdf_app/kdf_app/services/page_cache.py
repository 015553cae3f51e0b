"""Public portal pages from Frappe's page cache, for guests only.

Frappe 15 renders a web page by compiling its Jinja templates on every request (250–350 ms for a session's
page). A page whose ``no_cache`` is off is kept in Frappe's page cache (``frappe.website.utils.cache_html``:
Redis hash ``website_page``, by path and language) and served from there. That cache does not know who is
asking, so only pages that do not depend on the visitor may go in, and only a guest may be served from it:

* the programme list, a session's page (programme, prices, seats) and /personvern call :func:`guest_page`
  from their ``get_context``: for a guest the page is cached until the next moment its content changes by
  itself (a registration deadline, the session's end; :func:`guest_page`'s ``until``) and at most
  ``MAX_AGE`` seconds; for anyone logged in it is rendered for them (login state, register buttons, their
  registration);
* :class:`GuestCachedPage` (a ``page_renderer`` hook) serves a guest the cached copy before Frappe looks up the
  route at all; a copy past its time is dropped and the page rendered again;
* anyone logged in (or calling with an API key) never gets a guest's copy: our pages are rendered by our own
  renderers (kdf_app.kdf_app.services.web_render.PortalPage, SessionPage), which turn Frappe's page cache off for the
  request before Frappe would look in it (:func:`for_this_visitor`);
* a change of a session (its packages and agenda are its child rows) or of its seat count clears the list and
  the session's page at once and again after the commit (:func:`session_changed`, ``update_counts``), so a
  guest request that read the old data while the change was being saved cannot keep it cached.
"""

import time

import frappe
from frappe.website.page_renderers.base_template_page import BaseTemplatePage
from frappe.website.utils import delete_page_cache

EXPIRY = "kdf_page_expiry"  # Redis hash: page path -> unix time from which its cached copy is stale
MAX_AGE = 300  # seconds; bounds what no hook clears (a translation, an organisation on the open form)
PROGRAMME = "topplederprogram"
PERSONVERN = "personvern"


def is_guest() -> bool:
	request = getattr(frappe.local, "request", None)
	authorised = bool(request and request.headers.get("Authorization"))
	return frappe.session.user == "Guest" and not authorised


def for_this_visitor() -> None:
	"""Before Frappe renders one of our pages: only a guest may get (or leave) a cached copy; Frappe's page
	cache is keyed by path and language, not by who is asking."""
	if not is_guest():
		frappe.local.no_cache = 1


class GuestCachedPage(BaseTemplatePage):
	"""A guest's copy of one of our public pages, straight from Frappe's page cache (a ``page_renderer`` hook,
	tried before Frappe's own renderers): no route lookup, no permission check of a document, no template.
	Only pages :func:`guest_page` registered (they have an expiry), only for a guest, only while fresh; a stale
	copy is dropped and the page rendered as usual."""

	def can_render(self) -> bool:
		request = getattr(frappe.local, "request", None)
		if request is None or request.method not in ("GET", "HEAD") or not is_guest():
			return False
		if getattr(frappe.local, "no_cache", False):
			return False
		until = frappe.cache.hget(EXPIRY, self.path)
		if not until:
			return False
		if time.time() >= until:
			clear(self.path)
			return False
		self.html = (frappe.cache.hget("website_page", self.path) or {}).get(frappe.local.lang)
		return bool(self.html)

	def render(self):
		frappe.local.response.from_cache = True
		return self.build_response(self.add_csrf_token(self.html))


def guest_page(context, path: str, until=None) -> None:
	"""From a public page's get_context: a guest's copy is cached until ``until`` (a datetime, the next
	moment the page changes by itself) and at most MAX_AGE seconds; anyone else's is rendered for them."""
	if not is_guest() or getattr(frappe.local, "no_cache", False):
		context.no_cache = 1
		return
	expires = time.time() + MAX_AGE
	if until is not None:
		expires = min(expires, until.timestamp())
	context.no_cache = 0
	frappe.cache.hset(EXPIRY, path, expires)


def clear(*paths: str) -> None:
	for path in paths:
		if path:
			delete_page_cache(path)
			frappe.cache.hdel(EXPIRY, path)


def cached_paths() -> list[str]:
	return [frappe.safe_decode(p) for p in frappe.cache.hkeys("website_page")]


def clear_sessions() -> None:
	"""The programme list and every session's page."""
	clear(PROGRAMME, *(p for p in cached_paths() if p.startswith(PROGRAMME + "/")))


def clear_session(session: str) -> None:
	"""The programme list, the session's page and the pages of sessions that show it as linked."""
	routes = frappe.get_all(
		"Topplederprogram Session",
		or_filters=[["name", "=", session], ["linked_session", "=", session]],
		pluck="route",
	)
	clear(PROGRAMME, *routes)


def session_changed(doc, method=None) -> None:
	"""Topplederprogram Session on_change / on_trash, and a new seat count (services.registration.seats)."""
	name = doc if isinstance(doc, str) else doc.name
	routes = set() if isinstance(doc, str) else {doc.route, (doc.get_doc_before_save() or doc).route}
	clear(*routes)
	clear_session(name)
	pending = frappe.flags.setdefault("kdf_page_cache_pending", {})
	if not pending:  # the callbacks once per transaction; they clear every session changed in it

		def again():
			for session, paths in frappe.flags.pop("kdf_page_cache_pending", {}).items():
				clear(*paths)
				clear_session(session)

		# after the commit: a guest's render that read the data before it was committed is not kept; after a
		# rollback: no copy shows what was never committed
		frappe.db.after_commit.add(again)
		frappe.db.after_rollback.add(again)
	pending.setdefault(name, set()).update(r for r in routes if r)


def public_pages_changed(doc=None, method=None) -> None:
	"""What every public page may show changed (KDF Settings: retention years on /personvern)."""
	clear_sessions()
	clear(PERSONVERN)
