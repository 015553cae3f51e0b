from kdf_app.install import hide_error_tracebacks


def execute():
	hide_error_tracebacks()
