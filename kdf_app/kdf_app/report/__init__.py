"""Shared pieces of the app's script reports."""


def column(fieldname: str, label: str, fieldtype: str = "Data", width: int = 120, options: str | None = None):
	"""One report column; ``label`` is passed already translated."""
	col = {"fieldname": fieldname, "label": label, "fieldtype": fieldtype, "width": width}
	if options:
		col["options"] = options
	return col
