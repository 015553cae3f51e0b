#!/usr/bin/env python3
"""The secretariat's member data in headless Chromium: importing the member list, and a change request that
takes effect on its date.

Run on a site loaded with ``bench --site SITE kdf-demo`` (site language Norwegian) and served over HTTP:

    python e2e/import_walk.py --url http://127.0.0.1:8000 --screenshots docs/screenshots/secretariat

Set up over REST as Administrator: ``walk-import-sekretariat@example.com``, a desk user given the **Role Profile
KDF Sekretariat** (kept between runs, fresh password), and a small spreadsheet (CSV separated by semicolons, as a
Norwegian Excel saves it) naming two organisations of the site by organisation number and by name. Then, in the
browser:

1. the secretariat opens the Member list, presses **Importer medlemmer**, uploads the spreadsheet and imports
   it: two members go in (one with a position history of two rows), and the result lists the four refused rows
   (an organisation not in the register, an overlapping history — both of that member's rows —, a bad e-mail)
   each with its reason in bokmål and English; nothing of the refused members is in the register;
2. the secretariat opens the imported member: the position history holds both rows with the reason for leaving;
3. that member (given a portal login) reports on Min profil a new position from the first of a coming month,
   with a reason for leaving; the secretariat confirms the change request; the current position ends the day
   before with that reason, the member keeps the current organisation until the first day, and the Member form
   and Min profil show the coming change.

Everything the walk made (members, their contacts and login, the change request) is removed afterwards.
Uses Debian's /usr/bin/chromium through Python ``playwright`` (no browser download). Exit code 0 when every
step passed, 1 with the failing step's message otherwise.
"""

from __future__ import annotations

import csv
import re
import sys
import tempfile
import uuid
from datetime import date, timedelta
from functools import partial
from pathlib import Path

import lib
from lib import Failed, step
from playwright.sync_api import Page

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from kdf_app.kdf_members.core.member_import import COLUMNS  # the columns the import reads

SECRETARIAT = "walk-import-sekretariat@example.com"


def spreadsheet(fx: dict) -> Path:
	"""Two members that go in (Kari with a history, Ola) and four rows that do not."""
	tag, (one, two) = fx["tag"], fx["orgs"]
	fx["kari"], fx["ola"] = f"kari.import-{tag}@example.no", f"ola.import-{tag}@example.no"
	fx["start"] = date(date.today().year - 1, 8, 1)
	rows = [
		# 2, 3: Kari, current position by organisation number, the one before by name, with the reason
		dict(first_name="Kari", last_name=f"Import {tag}", email=fx["kari"], mobile="+47 412 34 567",
			 organisation=one["kdf_org_number"], title="Kommunedirektør", from_date=fx["start"].isoformat(),
			 member_since="1.3.2015"),
		dict(first_name="Kari", last_name=f"Import {tag}", email=fx["kari"], organisation=two["customer_name"],
			 title="Assisterende kommunedirektør", from_date="1.3.2015",
			 to_date=(fx["start"] - timedelta(days=1)).strftime("%d.%m.%Y"), reason="Konflikt"),
		# 4: Ola, only the current position
		dict(first_name="Ola", last_name=f"Import {tag}", email=fx["ola"], organisation=two["customer_name"],
			 title="Rådmann", from_date="1.1.2022"),
		# 5: an organisation not in the register
		dict(first_name="Per", last_name=f"Import {tag}", email=f"per.import-{tag}@example.no",
			 organisation="Ingensteds kommune", title="Kommunedirektør", from_date="2021-01-01"),
		# 6, 7: Liv's history overlaps: both rows refused
		dict(first_name="Liv", last_name=f"Import {tag}", email=f"liv.import-{tag}@example.no",
			 organisation=one["customer_name"], title="Kommunedirektør", from_date="2020-01-01"),
		dict(first_name="Liv", last_name=f"Import {tag}", email=f"liv.import-{tag}@example.no",
			 organisation=two["kdf_org_number"], title="Rådmann", from_date="2018-01-01", to_date="2020-06-30",
			 reason="Pensjon"),
		# 8: not an e-mail address
		dict(first_name="Siri", last_name=f"Import {tag}", email="siri.import(at)example.no",
			 organisation=one["customer_name"], title="Kommunedirektør", from_date="2021-01-01"),
	]  # fmt: skip
	path = Path(tempfile.gettempdir()) / f"kdf-medlemmer-{tag}.csv"
	with path.open("w", encoding="utf-8-sig", newline="") as f:
		writer = csv.DictWriter(f, fieldnames=COLUMNS, delimiter=";")
		writer.writeheader()
		for r in rows:
			writer.writerow({c: r.get(c, "") for c in COLUMNS})
	return path


# a form or page from its top (full length); a dialog as the screen shows it (full_page=False)
shot = partial(lib.shot, top=True, settle=500)


def modal(page: Page):
	return page.locator(".modal.show").last


def import_members(page: Page, base: str, fx: dict, folder: Path | None) -> None:
	page.goto(f"{base}/app/member")
	page.wait_for_selector(".frappe-list .list-row-container", timeout=30000)
	page.get_by_role("button", name="Importer medlemmer").click()
	dialog = modal(page)
	dialog.get_by_text("Last ned malen (CSV)").wait_for()
	step("Importer medlemmer opens its dialog with the template link")
	dialog.locator('[data-fieldname="file"] button').first.click()  # the Attach control's button
	uploader = modal(page)
	uploader.locator("input[type=file]").set_input_files(str(fx["file"]))
	uploader.locator(".btn-modal-primary").click()  # Last opp
	page.wait_for_function(
		"""() => { const d = cur_dialog; return d && d.get_value && d.get_value("file"); }""", timeout=30000
	)
	step("the spreadsheet is uploaded")
	shot(page, folder, "import-dialog.png", full_page=False)
	modal(page).locator(".btn-modal-primary").click()  # Importer
	page.wait_for_selector(".modal.show .kdf-import-summary", timeout=120000)
	result = modal(page)
	summary = result.locator(".kdf-import-summary").inner_text()
	if "2 medlemmer importert, 4 rader avvist" not in summary:
		raise Failed(f"the result says {summary!r}")
	refused = result.locator(".kdf-import-rejected tbody tr")
	lines = [refused.nth(i).locator("td").first.inner_text() for i in range(refused.count())]
	if lines != ["5", "6", "7", "8"]:
		raise Failed(f"refused lines {lines}")
	reasons = {
		refused.nth(i).locator("td").first.inner_text(): (
			refused.nth(i).locator("td").nth(3).inner_text(),
			refused.nth(i).locator("td").nth(4).inner_text(),
		)
		for i in range(refused.count())
	}
	expected = {
		"5": (
			"Ingen organisasjon med organisasjonsnummeret eller navnet Ingensteds kommune",
			"No organisation",
		),
		"6": ("overlapper", "overlap"),
		"7": ("overlapper", "overlap"),
		"8": ("er ikke en gyldig e-postadresse", "is not a valid e-mail address"),
	}
	for line, (nb, en) in expected.items():
		if nb not in reasons[line][0] or en not in reasons[line][1]:
			raise Failed(f"line {line}: {reasons[line]}")
	step(f"{summary.strip()}; refused lines {lines}, each with its reason in bokmål and English")
	created = result.locator(".kdf-import-created tbody tr")
	if created.count() != 2:
		raise Failed(f"{created.count()} members listed as imported")
	shot(page, folder, "import-result.png", full_page=False)
	with page.expect_download() as download:
		result.get_by_role("button", name="Last ned avviste rader").click()
	refused_file = Path(download.value.path()).read_text(encoding="utf-8-sig")
	if "Ingensteds kommune" not in refused_file or "Ingen organisasjon med" not in refused_file:
		raise Failed(f"the refused rows' file: {refused_file[:300]!r}")
	step(
		f"Last ned avviste rader gives the refused rows with their reasons ({download.value.suggested_filename})"
	)
	fx["kari_member"] = (
		result.locator(f".kdf-import-created tbody tr:has-text('{fx['kari']}') a")
		.get_attribute("href")
		.split("/")[-1]
	)
	result.locator(f".kdf-import-created tbody tr:has-text('{fx['kari']}') a").click()
	page.wait_for_url(re.compile(r".*/app/member/KDF-M-.*"), timeout=30000)
	page.wait_for_selector(
		'.frappe-control[data-fieldname="positions"] .grid-body .rows .grid-row', timeout=30000
	)
	page.wait_for_timeout(800)
	grid = page.locator('.frappe-control[data-fieldname="positions"] .grid-body .rows .grid-row')
	text = page.locator('.frappe-control[data-fieldname="positions"]').inner_text()
	if grid.count() != 2 or "Konflikt" not in text:
		raise Failed(f"the imported member's position history: {grid.count()} rows, {text[:200]!r}")
	page.locator('.frappe-control[data-fieldname="positions"]').scroll_into_view_if_needed()
	step("the imported member's form shows both positions, the earlier one ended with Konflikt")
	shot(page, folder, "imported-member.png")


def report_change(page: Page, base: str, fx: dict, folder: Path | None) -> None:
	"""The member, on Min profil, reports a new position from a day next month."""
	page.goto(f"{base}/login")
	page.fill("#login_email", fx["kari"])
	page.fill("#login_password", fx["kari_password"])
	page.locator("button.btn-login:visible").first.click()
	page.wait_for_load_state("networkidle")
	page.goto(f"{base}/min-profil")
	page.locator("#kdf-report-change summary").click()
	form = page.locator("#kdf-change-form")
	form.locator("select[name=kind]").select_option("Ny stilling")
	form.locator("select[name=organisation]").select_option(fx["orgs"][1]["name"])
	form.locator("select[name=title]").select_option("Rådmann")
	form.locator("input[name=start_date]").fill(fx["new_start"].isoformat())
	form.locator("select[name=reason]").select_option("Annet")
	with page.expect_response(lambda r: "request_change" in r.url) as answer:
		form.locator("button[type=submit]").click()
	if not answer.value.ok:
		raise Failed(f"reporting the change answered HTTP {answer.value.status}: {answer.value.text()[:300]}")
	page.wait_for_selector("#kdf-profile-message.alert-success", timeout=15000)
	step("the member reports a new position from " + fx["new_start"].isoformat())
	if folder:  # the thank-you as it shows, before the page reloads
		page.screenshot(path=str(folder / "member-reports-change.png"))
		step(f"screenshot {folder / 'member-reports-change.png'}")
	page.wait_for_timeout(2500)
	page.wait_for_load_state("networkidle")


def confirm_change(page: Page, base: str, fx: dict, rest: lib.Rest, folder: Path | None) -> None:
	requests = rest.get_list("Member Change Request", [["member", "=", fx["kari_member"]]], ["name"])
	if len(requests) != 1:
		raise Failed(f"{len(requests)} change requests for the member")
	fx["request"] = requests[0]["name"]
	page.goto(f"{base}/app/member-change-request/{fx['request']}")
	page.get_by_role("button", name="Bekreft").first.wait_for(timeout=30000)
	page.wait_for_timeout(600)
	shot(page, folder, "change-request.png")
	page.get_by_role("button", name="Bekreft").first.click()
	modal(page).locator(".btn-modal-primary").click()  # Ja
	page.wait_for_function("""() => cur_frm && cur_frm.doc.status === "Bekreftet" """, timeout=30000)
	step("the secretariat confirms the change request")
	member = rest.get_doc("Member", fx["kari_member"])
	if (member["organisation"], member["organisation_name"]) != (
		fx["orgs"][0]["name"],
		fx["orgs"][0]["customer_name"],
	):
		raise Failed(f"the member moved at once, to {member['organisation']} ({member['organisation_name']})")
	if [p["organisation"] for p in sorted(member["positions"], key=lambda p: p["from_date"])][-1] != fx[
		"orgs"
	][1]["name"]:
		raise Failed("the new position is not in the history")
	closed = next(p for p in member["positions"] if p["organisation"] == fx["orgs"][0]["name"])
	last_day = (fx["new_start"] - timedelta(days=1)).isoformat()
	if (closed.get("to_date"), closed.get("reason")) != (last_day, "Annet"):
		raise Failed(f"the current position was closed as {closed.get('to_date')} / {closed.get('reason')}")
	step(
		"the member keeps the current organisation until the first day; the current position ends the day before"
		" with the reason the member gave (Annet), the new one is in the history"
	)
	page.goto(f"{base}/app/member/{fx['kari_member']}")
	page.wait_for_selector(".form-message", timeout=30000)
	intro = page.locator(".form-message").first.inner_text()
	if "Til da gjelder nåværende stilling" not in intro or fx["orgs"][1]["name"] not in intro:
		raise Failed(f"the Member form says {intro!r}")
	page.wait_for_timeout(600)
	step(f"the Member form shows the coming change: {intro.strip()!r}")
	shot(page, folder, "member-coming-change.png")


def member_sees_it(page: Page, base: str, fx: dict, folder: Path | None) -> None:
	page.goto(f"{base}/min-profil")
	row = page.locator("#kdf-coming-position")
	row.wait_for(timeout=20000)
	text = row.inner_text()
	if "Ny stilling fra" not in text or fx["orgs"][1]["customer_name"] not in text:
		raise Failed(f"Min profil shows {text!r}")
	now = page.locator("#kdf-profile tr", has_text="Organisasjon").first.inner_text()
	if fx["orgs"][0]["customer_name"] not in now:
		raise Failed(f"Min profil's organisation is {now!r} until the first day of the new position")
	step(f"Min profil shows the coming position: {text.strip()!r}")
	shot(page, folder, "min-profil-coming-change.png")


def cleanup(rest: lib.Rest, fx: dict) -> list[str]:
	gone = lib.Cleanup(rest)
	for request in gone.list("list requests", "Member Change Request",
							 [["member_name", "like", f"%Import {fx['tag']}"]]):  # fmt: skip
		gone.delete("Member Change Request", request["name"], f"delete {request['name']}")
	for m in gone.list("list members", "Member", [["last_name", "=", f"Import {fx['tag']}"]]):
		gone.member(m["name"])
	if fx.get("file"):
		Path(fx["file"]).unlink(missing_ok=True)
	return gone.problems


def main(argv=None) -> int:
	ap = lib.arguments(
		"Headless Chromium walk: the secretariat's member import.",
		url="http://127.0.0.1:8000",
		keep="keep the members the walk imported",
	)
	args = ap.parse_args(argv)
	fx: dict = {"tag": uuid.uuid4().hex[:6]}

	def steps(p, rest, browser, base):
		password = lib.desk_user(
			rest, SECRETARIAT, "Sekretariat", role_profile_name="KDF Sekretariat", last_name="Import",
			expect="KDF Sekretariat",
		)  # fmt: skip
		fx["orgs"] = orgs = lib.kommuner(
			rest,
			2,
			("name", "customer_name", "kdf_org_number"),
			[["kdf_org_number", "is", "set"], ["disabled", "=", 0]],
			"customer_name asc",
		)
		fx["file"] = spreadsheet(fx)
		step(f"spreadsheet {fx['file'].name}: 7 rows, organisations {orgs[0]['name']} and {orgs[1]['name']}")
		desk = browser.page(accept_downloads=True)
		lib.desk_login(desk, base, SECRETARIAT, password)
		import_members(desk, base, fx, args.screenshots)
		for email in (f"per.import-{fx['tag']}@example.no", f"liv.import-{fx['tag']}@example.no"):
			if rest.get_list("Member", [["email", "=", email]], ["name"]):
				raise Failed(f"the refused member {email} is in the register")
		step("nothing of the refused members is in the register")

		_user, fx["kari_password"] = lib.member_login(rest, fx["kari_member"])
		fx["new_start"] = (date.today().replace(day=1) + timedelta(days=45)).replace(day=1)
		portal = browser.page(accept_downloads=True)
		report_change(portal, base, fx, args.screenshots)
		confirm_change(desk, base, fx, rest, args.screenshots)
		member_sees_it(portal, base, fx, args.screenshots)

	return lib.run(args, fx, steps, cleanup, "[ok] import walk passed")


if __name__ == "__main__":
	sys.exit(main())
