__version__ = "0.1.0"


def _guard_the_sandbox() -> None:
	"""Frappe's template sandbox reads protected data only with the session user's permissions
	(kdf_app.kdf_privacy.services.sandbox). Frappe loads this package with the app's hooks; without Frappe (the plain
	tests) there is nothing to guard."""
	try:
		import frappe.utils.safe_exec  # noqa: F401
	except ImportError:
		return
	from kdf_app.kdf_privacy.services.sandbox import install

	install()


_guard_the_sandbox()
