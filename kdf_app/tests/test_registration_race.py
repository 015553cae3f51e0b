"""Concurrent registrations from separate database connections never confirm more than capacity, and
registrations for different sessions at the same time do not deadlock."""

from concurrent.futures import ThreadPoolExecutor

import frappe
from frappe.tests.utils import FrappeTestCase

from kdf_app.tests.utils import in_own_connection, make_member, make_session, remove_committed

CAPACITY = 5
PARALLEL = 16  # per session


def _register(session: str, member: str) -> str:
	doc = frappe.get_doc(
		{"doctype": "Registration", "session": session, "member": member, "invoice_reference": "R"}
	).insert(ignore_permissions=True)
	return doc.status


def _register_in_own_connection(site: str, session: str, member: str) -> str:
	return in_own_connection(site, _register, session, member)


class TestRegistrationRace(FrappeTestCase):
	def test_parallel_registrations_respect_capacity(self):
		self.race(sessions=1)

	def test_parallel_registrations_for_two_sessions_do_not_deadlock(self):
		self.race(sessions=2)

	def test_the_same_member_at_once_gets_one_registration(self):
		"""Eight simultaneous registrations of one member for one session (a double click, times four): the
		database's unique key lets one through and the others are told the member is already registered."""
		session = make_session(capacity=CAPACITY)
		member = make_member().name
		frappe.db.commit()
		site = frappe.local.site
		try:
			with ThreadPoolExecutor(max_workers=8) as pool:
				results = list(
					pool.map(lambda _: _register_in_own_connection(site, session.name, member), range(8))
				)
			frappe.db.rollback()
			self.assertEqual(sum(r == "Bekreftet" for r in results), 1, results)
			self.assertTrue(all(r == "Bekreftet" or "already registered" in r for r in results), results)
			self.assertEqual(frappe.db.count("Registration", {"session": session.name}), 1)
			self.assertEqual(
				frappe.db.get_value("Topplederprogram Session", session.name, "confirmed_count"), 1
			)
		finally:
			remove_committed([session.name], [member])

	def race(self, sessions: int):
		created = [make_session(capacity=CAPACITY) for _ in range(sessions)]
		members = [make_member().name for _ in range(PARALLEL * sessions)]
		work = [(created[i % sessions].name, m) for i, m in enumerate(members)]
		frappe.db.commit()  # the other connections must see the sessions and the members
		site = frappe.local.site
		try:
			with ThreadPoolExecutor(max_workers=len(work)) as pool:
				results = list(pool.map(lambda w: _register_in_own_connection(site, *w), work))
			frappe.db.rollback()  # a fresh snapshot in this connection
			self.assertEqual([r for r in results if r.startswith("error")], [])
			for session in created:
				rows = frappe.get_all(
					"Registration", {"session": session.name}, ["status", "waitlist_position"]
				)
				self.assertEqual(len(rows), PARALLEL)
				self.assertEqual(sum(r.status == "Bekreftet" for r in rows), CAPACITY)
				positions = sorted(r.waitlist_position for r in rows if r.status == "Venteliste")
				self.assertEqual(positions, list(range(1, PARALLEL - CAPACITY + 1)))
				counts = frappe.db.get_value(
					"Topplederprogram Session",
					session.name,
					["confirmed_count", "waitlist_count", "free_seats", "status"],
				)
				self.assertEqual(counts, (CAPACITY, PARALLEL - CAPACITY, 0, "Full"))
		finally:
			remove_committed([s.name for s in created], members)
