"""Made-up members for the demo, so that its figures look like KDF's (about 94 % of the chief executives
are members). Names are drawn from common Norwegian first names and surnames; no real person is meant."""

import random
import unicodedata
from datetime import date, datetime, time, timedelta

from kdf_app.kdf_members.core.members import ACTIVE

FIRST_NAMES = (
	"Anne", "Inger", "Kari", "Marit", "Ingrid", "Liv", "Eva", "Berit", "Astrid", "Bjørg", "Hilde", "Anna",
	"Solveig", "Marianne", "Randi", "Ida", "Nina", "Elisabeth", "Kristin", "Tone", "Silje", "Heidi",
	"Jan", "Per", "Bjørn", "Ole", "Lars", "Kjell", "Knut", "Arne", "Svein", "Hans", "Geir", "Tor",
	"Morten", "Terje", "Odd", "Erik", "Rune", "Trond", "Håkon", "Espen", "Øyvind", "Sigurd",
)  # fmt: skip
LAST_NAMES = (
	"Hansen", "Johansen", "Olsen", "Larsen", "Andersen", "Pedersen", "Nilsen", "Kristiansen", "Jensen",
	"Karlsen", "Johnsen", "Pettersen", "Eriksen", "Berg", "Haugen", "Hagen", "Johannessen", "Andreassen",
	"Jacobsen", "Dahl", "Jørgensen", "Halvorsen", "Henriksen", "Lund", "Sørensen", "Jakobsen", "Moen",
	"Gundersen", "Iversen", "Strand", "Solberg", "Svendsen", "Eide", "Knutsen", "Martinsen", "Paulsen",
	"Bakken", "Kristoffersen", "Mathisen", "Lie", "Amundsen", "Nguyen", "Rasmussen", "Ali", "Lunde",
)  # fmt: skip

TITLES = {"Kommune": "Kommunedirektør", "Fylkeskommune": "Fylkeskommunedirektør", "Bydel": "Bydelsdirektør"}
DOMAIN = "demo.kommunedirektor.no"


def _ascii(text: str) -> str:
	text = text.lower().replace("æ", "ae").replace("ø", "o").replace("å", "a")
	return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().replace(" ", "-")


def fictitious_members(
	organisations: list[tuple[str, str]], covered: set[tuple[str, str]], share: float, seed: int = 94
) -> list[dict]:
	"""Members (in the demo file's shape) for organisations without one, until ``share`` of all the
	organisations have a member. ``organisations`` and ``covered`` are (type, number) pairs. The same
	input always gives the same members."""
	rng = random.Random(seed)
	history = random.Random(
		seed + 1
	)  # the earlier posts: their own sequence, so the members stay as they were
	everyone = sorted(set(organisations))
	have = covered & set(everyone)
	free = [o for o in everyone if o not in have]
	need = min(max(round(share * len(everyone)) - len(have), 0), len(free))
	members = []
	for kind, number in sorted(rng.sample(free, need)):
		first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
		title = TITLES.get(kind, "Annen toppleder")
		if kind == "Kommune" and rng.random() < 0.1:
			title = "Rådmann"
		since = rng.randint(2008, 2025)
		members.append(
			{
				"first_name": first,
				"last_name": last,
				"email": f"{_ascii(first)}.{_ascii(last)}.{kind[0].lower()}{number}@{DOMAIN}",
				"mobile": None,
				"title": title,
				"organisation": {"type": kind, "number": number},
				"position_start": f"{rng.randint(since, 2025)}-{rng.randint(1, 12):02d}-01",
				"member_since": f"{since}-01-01",
				"membership_status": ACTIVE,
				"previous_positions": [],
			}
		)
		start = date.fromisoformat(members[-1]["position_start"])
		members[-1]["previous_positions"] = earlier_post(history, everyone, kind, number, title, start)
	return members


# why a chief executive left the post before the current one (they took another: no retirement here)
EARLIER_REASONS = ("Ny stilling", "Ny stilling", "Ny stilling", "Konflikt", "Konflikt", "Annet")


def earlier_post(rng, everyone, kind, number, title, start: date) -> list[dict]:
	"""Four in ten made-up members held a chief executive post elsewhere (same kind of organisation) before the
	current one, for two to nine years up to the day before it began: a history for the turnover figures."""
	if rng.random() >= 0.4:
		return []
	others = [o for o in everyone if o[0] == kind and o[1] != number]
	if not others:
		return []
	org_kind, org_number = rng.choice(others)
	end = start - timedelta(days=1)
	begun = date(end.year - rng.randint(2, 9), rng.randint(1, 12), 1)
	return [
		{
			"organisation": {"type": org_kind, "number": org_number},
			"title": title,
			"from_date": begun.isoformat(),
			"to_date": end.isoformat(),
			"reason": rng.choice(EARLIER_REASONS),
		}
	]


def upcoming_session_dates(
	today: date, start_after_days: int, deadline_days_before: int, duration_hours: int
) -> tuple[datetime, datetime, datetime]:
	"""The demo's next session, placed from the day the demo is loaded: it starts at 10:00 on the first Wednesday
	at least ``start_after_days`` ahead, ends ``duration_hours`` later, and registration closes at 23:59
	``deadline_days_before`` the start. Returns (starts_on, ends_on, registration_deadline)."""
	if start_after_days <= deadline_days_before:
		raise ValueError("the session must start after its registration deadline has passed today")
	day = today + timedelta(days=start_after_days)
	day += timedelta(days=(2 - day.weekday()) % 7)  # Wednesday
	starts = datetime.combine(day, time(10, 0))
	deadline = datetime.combine(day - timedelta(days=deadline_days_before), time(23, 59))
	return starts, starts + timedelta(hours=duration_hours), deadline
