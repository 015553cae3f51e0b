"""Confidential case content, sealed at rest, with one read path.

What a member told us (``kdf_app.kdf_privacy.core.access.SEALED_FIELDS``: the case's request and closing summary, the
meetings' notes, and the content of files attached to a case) is stored sealed (``kdf_app.kdf_advice.core.sealing``).
The database, its backups, versions, Deleted Document, global search, reports, print formats and whatever the
Jinja sandbox reads hold only ciphertext. ``read_case`` is the one function that opens it: for the session user
only, when that user has need to know for that case, and every call is written to the Case Read Log (refusals
too). The desk form (``MentoringCase.onload``) and the attachment download go through it.

The keys live in a file beside the site, not in the database and not in site_config.json (which the Jinja
sandbox and backups can reach): ``<site>/kdf_keys/cases.json`` (mode 0600), or the path that site_config's
``kdf_case_key_file`` names. The file holds a list of Fernet keys, newest first. Losing it loses every case's
content: back it up apart from the database backups (docs/operations.md). ``bench --site SITE
kdf-rotate-case-key`` makes a new key, re-seals everything and then drops the old ones.
"""

import json
import os

import frappe
from frappe import _

from kdf_app.kdf_advice.core import sealing
from kdf_app.kdf_privacy.core.access import CASE, CASE_MEETING, CONFIDENTIAL, REFUSED, SEALED_FIELDS
from kdf_app.shared.services.errors import throw

_CACHE = "kdf_case_keys"


# --- the keys ---------------------------------------------------------------------------------------------------
def key_path() -> str:
	configured = frappe.conf.get("kdf_case_key_file")
	return os.path.abspath(configured or frappe.get_site_path("kdf_keys", "cases.json"))


def _write_keys(keys: list[str]) -> None:
	path = key_path()
	os.makedirs(os.path.dirname(path), mode=0o700, exist_ok=True)
	tmp = f"{path}.tmp-{os.getpid()}"
	fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
	with os.fdopen(fd, "w") as f:
		json.dump({"keys": keys}, f)
		f.flush()
		os.fsync(f.fileno())
	os.replace(tmp, path)
	setattr(frappe.local, _CACHE, list(keys))


def _keys() -> list[str]:
	cached = getattr(frappe.local, _CACHE, None)
	if cached:
		return cached
	try:
		with open(key_path()) as f:
			keys = list(json.load(f).get("keys") or [])
	except FileNotFoundError:
		keys = []
	except (OSError, ValueError) as e:
		raise sealing.NoKey(_("The key file for confidential case content cannot be read.")) from e
	setattr(frappe.local, _CACHE, keys)
	return keys


def anything_sealed() -> bool:
	"""Whether any content was sealed with a key (a value or an attachment that begins with the seal's prefix).
	Plain content, as sites made before sealing hold it, needs no key: the patch seals it with a new one."""
	for doctype, fields in SEALED_FIELDS.items():
		for field in fields:
			if frappe.db.sql(
				f"select 1 from `tab{doctype}` where `{field}` like %s limit 1", (f"{sealing.PREFIX}%",)
			):
				return True
	prefix = sealing.PREFIX.encode()
	for path in _attachments():
		try:
			with open(path, "rb") as f:
				if f.read(len(prefix)) == prefix:
					return True
		except OSError:
			continue
	return False


def ensure_key() -> None:
	"""Install and migrate: a key exists. A new key is made only while no case content exists: with content
	and no key file, that content can no longer be opened, and a new key would hide that."""
	if _keys():
		return
	if anything_sealed():
		frappe.log_error(
			title="KDF: the case key file is missing",
			message=f"Case content exists but {key_path()} is missing. Restore the key file from its backup.",
		)
		return
	_write_keys([sealing.new_key()])


def _seal_keys() -> list[str]:
	keys = _keys()
	if not keys:
		ensure_key()
		keys = _keys()
	if not keys:
		throw(
			sealing.NoKey(
				_("The key for confidential case content is missing. Ask the system administrator.")
			)
		)
	return keys


# --- writing ----------------------------------------------------------------------------------------------------
def _open(value):
	"""Internal: only ``read_case``, ``same_text`` and the rotation call this."""
	return sealing.open_value(value, _keys())


def same_text(stored, incoming) -> bool:
	"""Whether ``incoming`` (what a form sends: the text it was shown, or the sealed value) says the same as
	``stored`` (sealed). Nothing leaves this function but the answer."""
	if (stored or "") == (incoming or ""):
		return True
	if not stored or not incoming or sealing.is_sealed(incoming):
		return False
	try:
		return _open(stored) == incoming
	except sealing.SealBroken:
		return False


def seal_document(doc) -> None:
	"""Before a case (and its meetings) is saved: seal every content field. A text that says what the stored
	value says keeps the stored value (a form sends back what it was shown)."""
	before = None if doc.is_new() else doc.get_doc_before_save()
	keys = None
	rows = [(doc, before)]
	if doc.doctype == CASE:
		old_rows = {r.name: r for r in (before.get("meetings") if before else [])}
		rows += [(r, old_rows.get(r.name)) for r in doc.get("meetings") or []]
	for d, old in rows:
		for field in SEALED_FIELDS.get(d.doctype, ()):
			value = d.get(field)
			if value in (None, "") or sealing.is_sealed(value):
				if sealing.is_sealed(value) and (old is None or value != old.get(field)):
					# a sealed value the app did not make here: a copy from another case or a replay
					throw(sealing.SealBroken(_("Case content can only be written as text.")))
				continue
			stored = old.get(field) if old is not None else None
			if stored and same_text(stored, value):
				d.set(field, stored)
				continue
			keys = keys or _seal_keys()
			d.set(field, sealing.seal(value, keys))


# --- the one read path ------------------------------------------------------------------------------------------
def read_case(name: str, action: str = "Document") -> dict:
	"""The case's content as text, for the session user, when they have need to know for this case.
	Every call is logged; a refusal raises and shows nothing."""
	from kdf_app.kdf_advice.services.read_log import record
	from kdf_app.permissions import may_read_case

	user = frappe.session.user
	if not name or not frappe.db.exists(CASE, name):
		record(name, False, action=REFUSED, detail="read_case: no such case", user=user)
		frappe.throw(_("No such case."), frappe.DoesNotExistError)
	doc = frappe.get_doc(CASE, name)  # from the database: never a document the client built
	if not may_read_case(doc, user, "read"):
		record(name, False, action=REFUSED, detail="read_case", user=user)
		frappe.throw(_("You have no access to this case."), frappe.PermissionError, title=_("Not permitted"))
	record(name, True, action=action, detail="read_case", user=user)
	try:
		return {
			**{f: _open(doc.get(f)) for f in SEALED_FIELDS[CASE]},
			"meetings": {
				r.name: {f: _open(r.get(f)) for f in SEALED_FIELDS[CASE_MEETING]} for r in doc.get("meetings")
			},
		}
	except (sealing.SealBroken, sealing.NoKey) as e:
		record(name, True, action=action, detail=f"read_case: could not open ({e.message})", user=user)
		throw(e)


def read_attachment(file_name: str) -> tuple[str, bytes]:
	"""(file name, content) of a file attached to a case, through the same need-to-know check and log."""
	file = frappe.db.get_value(
		"File", file_name, ["attached_to_doctype", "attached_to_name", "file_name"], as_dict=True
	)
	if not file or file.attached_to_doctype not in CONFIDENTIAL:
		frappe.throw(_("No such attachment."), frappe.DoesNotExistError)
	case = file.attached_to_name
	read_case(case, action="Export")  # checks, logs and refuses
	content = frappe.get_doc("File", file_name).get_content()
	if isinstance(content, str):
		content = content.encode()
	try:
		return file.file_name, sealing.open_bytes(content, _keys())
	except (sealing.SealBroken, sealing.NoKey) as e:
		throw(e)


# --- attachments ------------------------------------------------------------------------------------------------
def _file_path(file_doc) -> str | None:
	if file_doc.is_folder or not file_doc.file_url or file_doc.file_url.startswith("http"):
		return None
	path = file_doc.get_full_path()
	return path if os.path.isfile(path) else None


def file_after_insert(doc, method=None) -> None:
	"""A confidential record's attachment uploaded as public is moved to the private files at once, and its
	content is sealed (seal_attachment, below)."""
	if doc.attached_to_doctype not in CONFIDENTIAL or doc.is_folder:
		return
	if not doc.is_private:
		doc.is_private = 1
		doc.save(ignore_permissions=True)
	seal_attachment(doc)  # its content is sealed like the case's text


def seal_attachment(file_doc) -> None:
	"""A file attached to a confidential record: its content on disk is sealed. Frappe reuses the path of an
	earlier file with the same content; then the sealed copy gets a path of its own, and the row's content
	hash becomes that of the sealed bytes, so no later upload is pointed at it."""
	import hashlib

	path = _file_path(file_doc)
	if not path:
		return
	with open(path, "rb") as f:
		content = f.read()
	sealed = sealing.seal_bytes(content, _seal_keys())
	if sealed == content:
		return
	shared = frappe.db.exists("File", {"file_url": file_doc.file_url, "name": ("!=", file_doc.name)})
	if shared:
		stem, ext = os.path.splitext(os.path.basename(path))
		unique = f"{stem}-{frappe.generate_hash(length=8)}{ext}"
		path = os.path.join(os.path.dirname(path), unique)
		file_doc.db_set("file_url", "/private/files/" + unique, update_modified=False)
	with open(path, "wb") as f:
		f.write(sealed)
	file_doc.db_set(
		"content_hash", hashlib.md5(sealed, usedforsecurity=False).hexdigest(), update_modified=False
	)


# --- existing sites and rotation ---------------------------------------------------------------------------------
def _each_value():
	for doctype, fields in SEALED_FIELDS.items():
		for field in fields:
			for name, value in frappe.db.sql(
				f"select name, `{field}` from `tab{doctype}` where ifnull(`{field}`, '') != ''"
			):
				yield doctype, field, name, value


def _set(doctype, field, name, value) -> None:
	frappe.db.sql(f"update `tab{doctype}` set `{field}` = %s where name = %s", (value, name))


def _attachments():
	for f in frappe.get_all("File", {"attached_to_doctype": ("in", list(CONFIDENTIAL))}, pluck="name"):
		doc = frappe.get_doc("File", f)
		if path := _file_path(doc):
			yield path


def seal_existing() -> int:
	"""The patch for sites made before sealing: seal every plain value and attachment; versions of cases go
	(they held the text), and the cases' Deleted Document copies keep only sealed content."""
	ensure_key()
	keys = _seal_keys()
	done = 0
	for doctype, field, name, value in list(_each_value()):
		if not sealing.is_sealed(value):
			_set(doctype, field, name, sealing.seal(value, keys))
			done += 1
	for path in _attachments():
		with open(path, "rb") as f:
			content = f.read()
		if not content.startswith(sealing.PREFIX.encode()):
			with open(path, "wb") as f:
				f.write(sealing.seal_bytes(content, keys))
	frappe.db.delete("Version", {"ref_doctype": ("in", list(CONFIDENTIAL))})
	for d in frappe.get_all("Deleted Document", {"deleted_doctype": CASE}, ["name", "data"]):
		data = json.loads(d.data or "{}")
		for field in SEALED_FIELDS[CASE]:
			data[field] = sealing.seal(data.get(field), keys)
		for r in data.get("meetings") or []:
			for field in SEALED_FIELDS[CASE_MEETING]:
				r[field] = sealing.seal(r.get(field), keys)
		frappe.db.set_value("Deleted Document", d.name, "data", json.dumps(data), update_modified=False)
	return done


def rotate_key() -> int:
	"""A new key seals everything again; the old keys are dropped once every value is re-sealed and committed.
	If anything does not open, nothing is changed and the old keys stay."""
	old = _keys()
	if not old:
		raise sealing.NoKey(_("There is no key to rotate."))
	keys = [sealing.new_key(), *old]
	values = list(_each_value())
	resealed = [(d, f, n, sealing.reseal(v, keys)) for d, f, n, v in values]  # raises before any write
	files = []
	for path in _attachments():
		with open(path, "rb") as f:
			files.append((path, sealing.reseal_bytes(f.read(), keys)))
	_write_keys(keys)  # new and old: whatever happens next, every value still opens
	for row in resealed:
		_set(*row)
	frappe.db.commit()
	for path, content in files:
		tmp = f"{path}.kdf-rotate"
		with open(tmp, "wb") as f:
			f.write(content)
		os.replace(tmp, path)
	_write_keys(keys[:1])
	return len(resealed) + len(files)
