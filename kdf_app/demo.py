"""The demo data set: the official organisations, ~40 fictitious members and, once the session doctypes
exist, the Topplederprogram of 6–7 September 2023. Loading twice changes nothing."""

import json

import frappe

from kdf_app.core.shared import fixtures_dir
from kdf_app.install import setup_defaults
from kdf_app.services.organisations import import_organisations


def load() -> dict:
	setup_defaults()
	orgs = import_organisations()
	members = load_members()
	summary = {
		"organisations_created": len(orgs.created),
		"organisations_rejected": len(orgs.rejected),
		"members_created": members,
	}
	frappe.db.commit()
	return summary


def _org_index() -> dict:
	return {
		(c.customer_group, c.kdf_area_number): c.name
		for c in frappe.get_all(
			"Customer",
			filters={"kdf_area_number": ("is", "set")},
			fields=["name", "customer_group", "kdf_area_number"],
		)
	}


def load_members() -> int:
	data = json.loads((fixtures_dir() / "demo" / "members.json").read_text(encoding="utf-8"))
	orgs = _org_index()
	created = 0
	for m in data["members"]:
		if frappe.db.exists("Member", {"email": m["email"]}):
			continue
		doc = frappe.new_doc("Member")
		doc.update(
			{
				k: m[k]
				for k in (
					"first_name",
					"last_name",
					"email",
					"mobile",
					"title",
					"position_start",
					"member_since",
					"membership_status",
				)
			}
		)
		doc.organisation = orgs[(m["organisation"]["type"], m["organisation"]["number"])]
		for p in m.get("previous_positions", []):
			doc.append(
				"positions",
				{
					"organisation": orgs[(p["organisation"]["type"], p["organisation"]["number"])],
					"title": p["title"],
					"from_date": p["from_date"],
					"to_date": p["to_date"],
					"reason": p["reason"],
				},
			)
		doc.insert(ignore_permissions=True)
		created += 1
	return created
