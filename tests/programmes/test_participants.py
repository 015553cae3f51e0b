"""Non-member participants and group registration: pricing per participant category, who may register,
and the checks on a group before anything is saved (kdf_app.kdf_programmes.core.sessions)."""

from decimal import Decimal

import pytest

from kdf_app.kdf_programmes.core.sessions import (
	CONFIRMED,
	CONTACT_PARTICIPANT,
	MEMBER_PARTICIPANT,
	MEMBERS_AND_TEAMS,
	MEMBERS_ONLY,
	OPEN_TO_ALL,
	WAITLISTED,
	GroupRow,
	Seats,
	SessionPrices,
	check_group,
	check_participant_allowed,
	check_session_participants,
	group_outcome,
	place,
	price_registration,
	seats_after,
)
from kdf_app.shared.core.i18n import DomainError

PRICES = SessionPrices(
	participant_fee=Decimal(6000),
	packages={"Med overnatting": Decimal(4000)},
	extra_night=Decimal(2200),
	non_member_fee=Decimal(7500),
)


def test_member_and_non_member_fees_come_from_the_session_and_packages_cost_the_same():
	_lines, member_total = price_registration(PRICES, "Med overnatting", True)
	lines, contact_total = price_registration(
		PRICES, "Med overnatting", True, participant_type=CONTACT_PARTICIPANT
	)
	assert member_total == Decimal("12200.00")
	assert contact_total == Decimal("13700.00")
	assert [l.amount for l in lines] == [Decimal("7500.00"), Decimal("4000.00"), Decimal("2200.00")]


def test_without_a_non_member_fee_a_contact_pays_the_member_fee():
	prices = SessionPrices(participant_fee=Decimal(5000), packages={})
	assert price_registration(prices, participant_type=CONTACT_PARTICIPANT)[1] == Decimal("5000.00")


@pytest.mark.parametrize(
	"allowed, kind, by_member, ok",
	[
		(MEMBERS_ONLY, MEMBER_PARTICIPANT, False, True),
		(MEMBERS_ONLY, CONTACT_PARTICIPANT, True, False),
		(None, CONTACT_PARTICIPANT, True, False),  # not set: members only
		(MEMBERS_AND_TEAMS, CONTACT_PARTICIPANT, True, True),
		(MEMBERS_AND_TEAMS, CONTACT_PARTICIPANT, False, False),
		(OPEN_TO_ALL, CONTACT_PARTICIPANT, False, True),
	],
)
def test_who_may_register(allowed, kind, by_member, ok):
	if ok:
		check_participant_allowed(allowed, kind, by_member, "Kari")
	else:
		with pytest.raises(DomainError) as e:
			check_participant_allowed(allowed, kind, by_member, "Kari")
		assert "Kari" in str(e.value)


def test_a_session_open_to_non_members_needs_their_fee():
	check_session_participants(MEMBERS_ONLY, 6000, 0)
	check_session_participants(OPEN_TO_ALL, 0, 0)
	check_session_participants(MEMBERS_AND_TEAMS, 6000, 7000)
	with pytest.raises(DomainError):
		check_session_participants(MEMBERS_AND_TEAMS, 6000, 0)


def test_group_checks():
	me = GroupRow("Leder", "leder@k.no", "Kommune A", is_self=True)
	kari = GroupRow("Kari", "kari@k.no")
	check_group([me, kari, GroupRow("Per", "per@k.no", "Kommune A")], "Kommune A")
	with pytest.raises(DomainError, match="at least one"):
		check_group([], "Kommune A")
	with pytest.raises(DomainError, match="twice"):
		check_group([me, kari, GroupRow("Kari N.", " KARI@k.no ")], "Kommune A")
	with pytest.raises(DomainError, match="another organisation"):
		check_group([me, GroupRow("Ola", "ola@b.no", "Kommune B")], "Kommune A")
	with pytest.raises(DomainError, match="e-mail"):
		check_group([GroupRow("Ola", "not-an-address")], "Kommune A")
	with pytest.raises(DomainError, match="name"):
		check_group([GroupRow(" ", "x@k.no")], "Kommune A")


def test_a_group_larger_than_the_free_seats_fills_them_and_waitlists_the_rest_in_order():
	seats = Seats(capacity=5, confirmed=3, waitlisted=1)
	decisions = []
	for _ in range(4):
		status, position = place(seats)
		decisions.append((status, position))
		seats = seats_after(seats, status)
	assert decisions == [(CONFIRMED, None), (CONFIRMED, None), (WAITLISTED, 2), (WAITLISTED, 3)]
	assert group_outcome(s for s, _p in decisions) == (2, 2)


def test_ou_refund_covers_the_leadership_team_but_only_the_fee():
	from kdf_app.kdf_billing.core.invoicing import ou_refundable

	assert ou_refundable(True, "Kommunedirektør", "fee", False)
	assert not ou_refundable(True, "Kommunalsjef", "fee", False)  # a title alone does not make a manager
	assert ou_refundable(True, "Kommunalsjef", "fee", False, leadership_team=True)
	assert not ou_refundable(True, "Kommunalsjef", "accommodation", False, leadership_team=True)
	assert not ou_refundable(True, "Kommunalsjef", "fee", True, leadership_team=True)  # credited
	assert not ou_refundable(False, "Kommunalsjef", "fee", False, leadership_team=True)
