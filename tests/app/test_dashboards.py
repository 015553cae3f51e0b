from kdf_app.kdf_app.core.dashboards import SessionMoney, conflict_share, fill_rate, money_per_session
from kdf_app.kdf_members.core.members import TurnoverRow


def test_fill_rate():
	assert fill_rate(7, 35) == 20.0
	assert fill_rate(35, 35) == 100.0
	assert fill_rate(1, 3) == 33.3
	assert fill_rate(5, 0) == 0.0
	assert fill_rate(0, 10) == 0.0


def test_money_per_session_subtracts_credit_notes_and_keeps_order():
	invoices = [
		{"kdf_session": "S1", "net_total": 1000, "outstanding_amount": 1250},
		{"kdf_session": "S1", "net_total": 500, "outstanding_amount": 0},
		{"kdf_session": "S1", "net_total": -500, "outstanding_amount": 0},
		{"kdf_session": "S2", "net_total": 200, "outstanding_amount": -10},
		{"kdf_session": "other", "net_total": 999, "outstanding_amount": 999},
	]
	assert money_per_session(invoices, ["S2", "S1", "S3"]) == [
		SessionMoney("S2", 200.0, 0.0),
		SessionMoney("S1", 1000.0, 1250.0),
		SessionMoney("S3", 0.0, 0.0),
	]


def test_conflict_share():
	rows = [
		TurnoverRow(2023, 5, 4, {"Konflikt": 1, "Pensjon": 3}),
		TurnoverRow(2024, 2, 6, {"Konflikt": 2, "Ny stilling": 4}),
	]
	assert conflict_share(rows) == 30.0
	assert conflict_share([TurnoverRow(2024, 3, 0, {})]) == 0.0
	assert conflict_share([]) == 0.0
