"""Pure domain logic of kdf_app.

Nothing in this package imports frappe: every function takes and returns plain data so that
it can be tested with plain pytest (see the top-level ``tests/`` folder).
"""
