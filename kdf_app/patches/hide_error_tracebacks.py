from kdf_app.setup.portal import hide_error_tracebacks


def execute():
	hide_error_tracebacks()
