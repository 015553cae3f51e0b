"""Where the project's shared reference data lives (it is read from there, never copied into the app)."""

import os
from pathlib import Path

APP_ROOT = Path(__file__).resolve().parents[3]  # the checkout: kdf_app/shared/core/paths.py
ORGANISATIONS_CSV = "data/norwegian-organisations-2024.csv"


def shared_dir() -> Path:
	"""``$KDF_SHARED_DIR`` if set, else the ``shared`` folder beside the app's checkout."""
	env = os.environ.get("KDF_SHARED_DIR")
	return Path(env) if env else APP_ROOT.parent / "shared"


def shared_file(relative: str) -> Path:
	return shared_dir() / relative
