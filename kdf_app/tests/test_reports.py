import frappe
from frappe.tests.utils import FrappeTestCase

from kdf_app.kdf_members.report.member_turnover.member_turnover import execute as turnover_report
from kdf_app.kdf_members.report.membership_coverage.membership_coverage import execute as coverage_report
from kdf_app.tests.utils import make_member, make_org


class TestReports(FrappeTestCase):
	def test_coverage_per_county_and_total(self):
		county = f"Testfylke {frappe.generate_hash(length=5)}"
		orgs = [make_org(county=county) for _ in range(3)] + [make_org(kind="Fylkeskommune", county=county)]
		make_member(orgs[0])  # Kommunedirektør, active
		make_member(orgs[1], title="Assisterende kommunedirektør")  # not the chief executive
		make_member(orgs[2], membership_status="Utmeldt")  # left the association
		make_member(orgs[3], title="Fylkeskommunedirektør")
		before = self.total()
		_columns, data, _, chart, summary = coverage_report({})
		row = next(r for r in data if r["county"] == county)
		self.assertEqual((row["organisations"], row["covered"], row["share"]), (4, 2, 50.0))
		total = data[-1]
		self.assertEqual(total["organisations"], sum(r["organisations"] for r in data[:-1]))
		self.assertEqual(total["covered"], sum(r["covered"] for r in data[:-1]))
		self.assertEqual(summary[0]["value"], total["share"])
		self.assertIn(county, chart["data"]["labels"])
		self.assertEqual(before, (total["organisations"], total["covered"]))
		# only kommuner
		_, data, *_ = coverage_report({"fylkeskommune": 0})
		self.assertEqual(next(r for r in data if r["county"] == county)["organisations"], 3)

	def total(self):
		return (
			frappe.db.count(
				"Customer", {"customer_group": ("in", ["Kommune", "Fylkeskommune"]), "disabled": 0}
			),
			len(
				{
					m.organisation
					for m in frappe.get_all(
						"Member",
						{
							"membership_status": "Aktiv",
							"title": (
								"in",
								["Kommunedirektør", "Fylkeskommunedirektør", "Bydelsdirektør", "Rådmann"],
							),
						},
						["organisation"],
					)
					if m.organisation
				}
			),
		)

	def test_turnover_counts_starts_and_departures_with_reasons(self):
		a, b, c = make_org(), make_org(), make_org()
		m1 = make_member(a, position_start="1991-02-01")
		m1.change_position(b, "Kommunedirektør", "1992-05-01", "Konflikt")
		m2 = make_member(c, position_start="1991-09-01", title="Rådmann")
		m2.change_position(a, "Kommunedirektør", "1992-10-01", "Ny stilling")
		make_member(c, position_start="1991-03-01", title="Annen toppleder")  # not a chief executive
		_, data, _, _chart = turnover_report({"from_year": 1991, "to_year": 1992})
		rows = {r["year"]: r for r in data}
		self.assertEqual((rows["1991"]["started"], rows["1991"]["left"]), (2, 0))
		self.assertEqual((rows["1992"]["started"], rows["1992"]["left"]), (2, 2))
		self.assertEqual(
			(rows["1992"]["konflikt"], rows["1992"]["ny_stilling"], rows["1992"]["pensjon"]), (1, 1, 0)
		)
		_, data, *_ = turnover_report({"from_year": 1991, "to_year": 1991, "all_titles": 1})
		self.assertEqual(data[0]["started"], 3)
