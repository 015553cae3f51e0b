"""The client's address for rate limits, and export cells neutralised."""

from kdf_app.kdf_privacy.core.client import DEFAULT_TRUSTED_PROXIES, client_address, neutralise_cell


def test_a_client_cannot_choose_its_own_address():
	# straight to the server: the header is the client's own words
	assert client_address("203.0.113.7", "198.51.100.1", DEFAULT_TRUSTED_PROXIES) == "203.0.113.7"
	assert client_address("203.0.113.7", "198.51.100.1", []) == "203.0.113.7"


def test_behind_the_proxy_the_address_the_proxy_saw():
	assert client_address("127.0.0.1", "203.0.113.7", DEFAULT_TRUSTED_PROXIES) == "203.0.113.7"
	# a client that sends its own header through the proxy: the proxy appends what it saw, which is rightmost
	assert client_address("127.0.0.1", "1.2.3.4, 203.0.113.7", DEFAULT_TRUSTED_PROXIES) == "203.0.113.7"
	assert client_address("10.0.0.5", "203.0.113.7, 10.0.0.9", ["10.0.0.0/8"]) == "203.0.113.7"
	assert client_address("127.0.0.1", "not-an-ip", DEFAULT_TRUSTED_PROXIES) == "127.0.0.1"
	assert client_address("127.0.0.1", None, DEFAULT_TRUSTED_PROXIES) == "127.0.0.1"
	assert client_address(None, "1.2.3.4", ["bad cidr"]) == "0.0.0.0"


def test_formula_cells_are_neutralised_numbers_are_not():
	for cell in (
		'=HYPERLINK("http://x")',
		"+cmd|' /C calc'!A0",
		"@SUM(A1)",
		"-2+3+cmd|'x'!A0",
		"\t=1",
		"\r=1",
	):
		assert neutralise_cell(cell) == "'" + cell
	for cell in ("-12200", "-15 250,00", "+47 22 00 00 00", "Ålesund", "", None, 42, -3.5):
		assert neutralise_cell(cell) == cell
