"""The desk's boot: ``frappe.boot.kdf`` holds KDF's role names and status sets (kdf_app.kdf_app.core.desk), which the
desk's scripts use instead of spelling them (hooks.py: boot_session)."""

from kdf_app.kdf_app.core.desk import for_desk


def boot_session(bootinfo) -> None:
	bootinfo.kdf = for_desk()
