import csv

import pytest

from kdf_app.shared.core.paths import ORGANISATIONS_CSV, shared_file


@pytest.fixture(scope="session")
def organisation_rows():
	path = shared_file(ORGANISATIONS_CSV)
	if not path.exists():
		pytest.skip(f"shared data not found at {path}")
	with path.open(encoding="utf-8") as f:
		return list(csv.DictReader(f))
