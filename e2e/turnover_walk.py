#!/usr/bin/env python3
"""Tenure and Turnover and the research extract in headless Chromium, on a demo site.

Run on a site loaded with ``bench --site SITE kdf-demo`` and served over HTTP:

    python e2e/turnover_walk.py --url http://127.0.0.1:8000 --screenshots docs/screenshots/turnover

Set up over REST as Administrator (who stands in for the System Manager): the desk user
``walk-sekretariat@example.com`` with the Role Profile *KDF Sekretariat*, a desk user with the roles
*KDF Sekretariat* and *KDF Forskningsuttrekk* (the latter is what a System Manager gives), and six members of
kommuner in one county in post since 2019, each with a portal login. Then:

1. each of the six says yes to research use on *Min profil* (``kdf_app.api.privacy.set_consent``, as
   themselves); one member's *Min profil* shows the consent with its time;
2. the secretariat opens **Tenure and Turnover**: per year (chart, rate, Kaplan–Meier quartiles, reasons), then
   per county; the secretariat has no *Research Extract* button (not their role);
3. a secretariat user who was also given the research role presses *Forskningsuttrekk* on the report: a period
   with nobody who consented is refused with the reason and nothing is logged; the last ten years give a zip
   (CSV, JSON with the data dictionary, the dictionary as CSV) with the six, k-anonymous, no name or member id in
   it, and a new log line by the researcher; the Research Extract Log list shows it.

Everything it made is removed afterwards (members, contacts, users, the log lines). Uses Debian's
/usr/bin/chromium through Python ``playwright``. Exit code 0 when every step passed, 1 otherwise.
"""

from __future__ import annotations

import csv
import io
import json
import re
import sys
import time
import uuid
import zipfile
from datetime import date
from functools import partial
from pathlib import Path

import lib
from lib import Failed, step
from playwright.sync_api import Page

SECRETARIAT = "walk-sekretariat@example.com"
PROFILE = "KDF Sekretariat"
ROLE = "KDF Forskningsuttrekk"
LOG = "Research Extract Log"
PEOPLE = 6
SINCE = "2019-03-01"


shot = partial(lib.shot, top=True, settle=600)


# --- setup over REST ---------------------------------------------------------------------------------------
def setup(rest: lib.Rest, fx: dict) -> None:
	tag = fx["tag"]
	counties: dict[str, list[str]] = {}
	for c in rest.get_list(
		"Customer", [["customer_group", "=", "Kommune"]], ["name", "kdf_county"], 0, "name asc"
	):
		if c.get("kdf_county"):
			counties.setdefault(c["kdf_county"], []).append(c["name"])
	county, orgs = max(counties.items(), key=lambda kv: len(kv[1]), default=(None, []))
	if len(orgs) < PEOPLE:
		raise Failed(f"too few kommuner with a county: {lib.NO_DEMO}")
	fx["county"] = county
	fx["secretariat_password"] = lib.desk_user(rest, SECRETARIAT, role_profile_name=PROFILE)
	fx["researcher"] = f"walk-forsker-{tag}@example.com"
	# a secretariat user the System Manager also gave the research role (roles set by hand: Frappe gives a user
	# with a Role Profile exactly the profile's roles)
	fx["researcher_password"] = lib.desk_user(
		rest, fx["researcher"], roles=["KDF Sekretariat", ROLE], expect=ROLE
	)
	fx["members"] = []
	for i, org in enumerate(orgs[:PEOPLE]):
		member = rest.insert(
			{
				"doctype": "Member",
				"first_name": "Forskning",
				"last_name": f"Walk{tag}{i}",
				"email": f"walk-forskning-{tag}-{i}@example.com",
				"title": "Kommunedirektør",
				"organisation": org,
				"position_start": SINCE,
			}
		)
		user, secret = lib.member_login(rest, member["name"])
		fx["members"].append({"name": member["name"], "user": user, "password": secret})
	step(f"set up the secretariat, a researcher and {PEOPLE} members in {county} since {SINCE}")


def consent(playwright, base: str, fx: dict) -> None:
	"""Each member says yes to research use, as themselves (their own endpoint; nobody else can set it)."""
	for m in fx["members"]:
		own = lib.rest_session(playwright, base)
		try:
			own.login(m["user"], m["password"])
			for attempt in range(5):  # the portal user was just made: a background job may still be saving
				try:
					answer = own.call("kdf_app.api.privacy.set_consent", {"research": "1"}, "set_consent")
					break
				except Failed as e:
					if "TimestampMismatchError" not in str(e) or attempt == 4:
						raise
					time.sleep(2)
			if not answer.get("research") or not answer.get("research_on"):
				raise Failed(f"{m['user']}: the research consent was not saved with its time: {answer}")
		finally:
			own.api.dispose()
	step(f"the {PEOPLE} members consented to research use on Min profil")


def cleanup(rest: lib.Rest, fx: dict) -> list[str]:
	gone = lib.Cleanup(rest)
	for m in fx.get("members", []):
		gone.member(m["name"], m["user"])
	if fx.get("researcher"):
		for log in gone.list("list logs", LOG, [["made_by", "=", fx["researcher"]]]):
			gone.delete(LOG, log["name"], "delete log")
		gone.delete("User", fx["researcher"], "delete researcher")
	return gone.problems


# --- the browser ------------------------------------------------------------------------------------------------
def min_profil_step(page: Page, base: str, fx: dict, folder: Path | None) -> None:
	m = fx["members"][0]
	lib.portal_login(page, base, m["user"], m["password"], clear=True)
	page.goto(f"{base}/min-profil")
	box = page.locator("#kdf-consent-research")
	box.wait_for()
	if not box.is_checked():
		raise Failed("Min profil does not show the research consent given")
	text = page.locator("#kdf-consent").inner_text()
	if "personvern" not in page.locator("#kdf-consent").inner_html():
		raise Failed("Min profil's research consent does not link to the privacy notice")
	step(f"Min profil shows the research consent, ticked, with its time: {' '.join(text.split())[:160]}")
	page.locator("#kdf-consent").scroll_into_view_if_needed()
	if folder:  # the consent box alone
		page.locator("#kdf-consent").screenshot(path=str(folder / "min-profil-research-consent.png"))
		step(f"screenshot {folder / 'min-profil-research-consent.png'}")


def report_rows(page: Page) -> list[str]:
	page.wait_for_selector(".dt-scrollable .dt-row", timeout=40000)
	return [
		c.strip() for c in page.locator(".dt-scrollable .dt-row .dt-cell__content--col-1").all_inner_texts()
	]


def report_step(page: Page, base: str, fx: dict, folder: Path | None) -> None:
	page.context.clear_cookies()
	lib.desk_login(page, base, SECRETARIAT, fx["secretariat_password"], idle=False)
	page.goto(f"{base}/app/query-report/Tenure and Turnover")
	labels = report_rows(page)
	year = date.today().year
	if str(year - 1) not in labels or labels[-1].strip() not in ("Totalt", "Total"):
		raise Failed(f"Tenure and Turnover per year shows {labels}")
	page.wait_for_selector(".chart-container svg, .frappe-chart", timeout=30000)
	if page.get_by_role("button", name=re.compile("Forskningsuttrekk|Research Extract")).count():
		raise Failed("the secretariat (without the research role) sees the Research Extract button")
	step(
		f"Tenure and Turnover per year shows {labels[0]}–{labels[-2]} and a total, with a chart; no extract button"
	)
	shot(page, folder, "report-per-year.png")
	page.goto(f"{base}/app/query-report/Tenure and Turnover?group_by=County")
	page.wait_for_timeout(800)
	page.reload()
	labels = report_rows(page)
	if fx["county"] not in labels:
		raise Failed(f"Tenure and Turnover per county shows {labels}, not {fx['county']}")
	step(f"per county: {len(labels) - 1} counties and a total")
	shot(page, folder, "report-per-county.png")


def extract_dialog(page: Page, base: str, from_year: int, to_year: int) -> None:
	page.goto(f"{base}/app/query-report/Tenure and Turnover")
	report_rows(page)
	page.get_by_role("button", name="Forskningsuttrekk").click()
	dialog = page.locator(".modal.show")
	dialog.wait_for()
	dialog.locator("input[data-fieldname='from_year']").fill(str(from_year))
	dialog.locator("input[data-fieldname='to_year']").fill(str(to_year))
	page.wait_for_timeout(300)


def extract_step(page: Page, base: str, fx: dict, rest: lib.Rest, folder: Path | None) -> None:
	page.context.clear_cookies()
	lib.desk_login(page, base, fx["researcher"], fx["researcher_password"], idle=False)
	# a period nobody who consented held a post in: refused, nothing logged
	extract_dialog(page, base, 1990, 1995)
	page.locator(".modal.show").get_by_role("button", name="Lag uttrekk").click()
	refusal = page.locator(".modal.show .msgprint, .modal.show .modal-body").filter(
		has_text="Ingenting utleveres"
	)
	refusal.first.wait_for(timeout=30000)
	step(f"a period without enough people is refused: {' '.join(refusal.first.inner_text().split())[:200]}")
	shot(page, folder, "extract-refused.png")
	if rest.get_list(LOG, [["made_by", "=", fx["researcher"]]], ["name"]):
		raise Failed("a refused extract was logged")
	year = date.today().year
	extract_dialog(page, base, year - 10, year - 1)
	shot(page, folder, "extract-dialog.png")
	with page.expect_download(timeout=60000) as download:
		page.locator(".modal.show").get_by_role("button", name="Lag uttrekk").click()
	path = download.value.path()
	with zipfile.ZipFile(path) as z:
		files = {n: z.read(n).decode() for n in z.namelist()}
	(name,) = [n for n in files if n.endswith(".csv") and not n.endswith("-ordbok.csv")]
	rows = list(csv.DictReader(io.StringIO(files[name])))
	ours = [
		r for r in rows if r["start"] == SINCE[:4] and r["end"] == "pågår" and r["county"] == fx["county"]
	]
	if len(rows) != PEOPLE or len(ours) != PEOPLE or len({r["person_key"] for r in rows}) != PEOPLE:
		raise Failed(f"the extract holds {rows}, expected the {PEOPLE} who consented")
	document = json.loads(files[name.replace(".csv", ".json")])
	if document["what_was_done"]["k"] < 3 or not document["data_dictionary"]:
		raise Failed(f"the JSON lacks k or the data dictionary: {list(document)}")
	everything = "".join(files.values())
	for m in fx["members"]:
		if m["name"] in everything or m["user"] in everything:
			raise Failed("the extract names a member")
	step(
		f"the extract: {sorted(files)}; {len(rows)} rows of the {PEOPLE} who consented, k = {document['what_was_done']['k']}"
	)
	page.wait_for_selector(".modal.show .msgprint", timeout=20000)
	shot(page, folder, "extract-made.png")
	logs = rest.get_list(
		LOG, [["made_by", "=", fx["researcher"]]], ["name", "rows_released", "k", "from_year", "to_year"]
	)
	if len(logs) != 1 or logs[0]["rows_released"] != PEOPLE or logs[0]["from_year"] != year - 10:
		raise Failed(f"the log holds {logs}")
	step(f"logged: {logs[0]}")
	page.keyboard.press("Escape")
	page.goto(f"{base}/app/research-extract-log")
	page.wait_for_selector(".list-row-container", timeout=30000)
	if not page.get_by_role("button", name="Lag forskningsuttrekk").count():
		raise Failed(
			"the Research Extract Log list has no Lag forskningsuttrekk button for the research role"
		)
	step("the Research Extract Log list shows the extract, with its own Lag forskningsuttrekk button")
	shot(page, folder, "extract-log.png")


def main(argv=None) -> int:
	ap = lib.arguments(
		"Headless Chromium walk of Tenure and Turnover and the research extract.", url="http://127.0.0.1:8000"
	)
	args = ap.parse_args(argv)
	fx: dict = {"tag": uuid.uuid4().hex[:6]}

	def steps(p, rest, browser, base):
		setup(rest, fx)
		consent(p, base, fx)
		page = browser.page(1440, 900, timeout=30000, accept_downloads=True)
		min_profil_step(page, base, fx, args.screenshots)
		report_step(page, base, fx, args.screenshots)
		extract_step(page, base, fx, rest, args.screenshots)

	return lib.run(args, fx, steps, cleanup, "All steps passed.")


if __name__ == "__main__":
	sys.exit(main())
