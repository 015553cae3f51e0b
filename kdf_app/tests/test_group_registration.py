"""Non-member participants and group registration: a member registers themself and colleagues from their own
organisation in one step; each participant gets their own seat decision; bad input saves nothing; two groups
at once never overbook; the secretariat registers a non-member in the desk."""

from concurrent.futures import ThreadPoolExecutor

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import flt

from kdf_app.kdf_billing.services.invoicing import create_session_invoices
from kdf_app.kdf_programmes.services.registration import group, single
from kdf_app.tests.test_invoicing import InvoicingCase, attached_xml, official_fatal
from kdf_app.tests.utils import (
	in_own_connection,
	make_member,
	make_org,
	make_session,
	make_test_email_account,
	member_user,
	remove_committed,
	use_test_settings,
)

test_ignore = ["Sales Invoice", "Customer", "Member", "Topplederprogram Session"]

TEAMS = "Medlemmer og ledergrupper"


def colleague(name: str, **extra) -> dict:
	uid = frappe.generate_hash(length=6)
	return {
		"name": name,
		"email": f"{name.split()[0].lower()}-{uid}@example.no",
		"title": "Kommunalsjef",
		**extra,
	}


def team_session(**extra):
	return make_session(participants_allowed=TEAMS, non_member_fee=7500, **extra)


class TestGroupRegistration(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		use_test_settings()
		make_test_email_account()

	def tearDown(self):
		frappe.set_user("Administrator")

	def register_as(self, user: str, **kwargs) -> dict:
		from kdf_app.api.registration import register_group

		frappe.set_user(user)
		try:
			return register_group(**{"invoice_reference": "R-1", **kwargs})
		finally:
			frappe.set_user("Administrator")

	def test_a_member_registers_self_and_two_colleagues_each_with_their_own_price_and_mail(self):
		session = team_session()
		member, user = member_user()
		team = [colleague("Kari Nordmann", dietary_needs="Vegetar"), colleague("Per Hansen", stay_package="")]
		answer = self.register_as(
			user,
			session=session.name,
			participants=team,
			stay_package="Test med overnatting",
			invoice_reference="R-9",
		)
		self.assertEqual([p["status"] for p in answer["participants"]], ["Bekreftet"] * 3)
		self.assertEqual((answer["confirmed"], answer["waitlisted"]), (3, 0))
		regs = frappe.get_all(
			"Registration",
			{"session": session.name},
			[
				"participant_type",
				"member",
				"contact",
				"participant_name",
				"participant_email",
				"registered_by",
				"paying_organisation",
				"total",
				"dietary_needs",
				"invoice_reference",
			],
			order_by="registered_on asc, name asc",
		)
		self.assertEqual([r.participant_type for r in regs], ["Medlem", "Kontakt", "Kontakt"])
		self.assertEqual({r.paying_organisation for r in regs}, {member.organisation})
		self.assertEqual({r.registered_by for r in regs}, {member.name})
		self.assertEqual([float(r.total) for r in regs], [10000.0, 7500.0, 7500.0])  # member fee + package
		self.assertEqual(regs[1].dietary_needs, "Vegetar")
		for r, c in zip(regs[1:], team, strict=True):
			self.assertEqual(r.participant_email, c["email"])
			links = frappe.get_all(
				"Dynamic Link", {"parent": r.contact, "parenttype": "Contact"}, pluck="link_name"
			)
			self.assertEqual(links, [member.organisation])
		self.assertEqual(frappe.db.get_value("Topplederprogram Session", session.name, "confirmed_count"), 3)
		# one confirmation to each participant and a summary to the member
		queued = frappe.get_all(
			"Email Queue Recipient",
			{"recipient": ("in", [member.email] + [c["email"] for c in team])},
			pluck="recipient",
		)
		self.assertEqual(sorted(queued), sorted([member.email, member.email] + [c["email"] for c in team]))
		# the member sees the colleagues' registrations on /pameldinger, without their answers
		frappe.set_user(user)
		from kdf_app.api.registration import my_registrations

		mine = my_registrations()
		frappe.set_user("Administrator")
		self.assertEqual(
			sorted(r.participant_name for r in mine if r.for_colleague), sorted(c["name"] for c in team)
		)
		self.assertTrue(all("dietary_needs" not in r for r in mine))
		# the member may cancel a registration they made for a colleague; another member may not
		from kdf_app.api.registration import cancel

		colleague_reg = next(r.name for r in mine if r.for_colleague)
		_stranger, stranger_user = member_user()
		frappe.set_user(stranger_user)
		try:
			self.assertRaises(frappe.DoesNotExistError, cancel, colleague_reg)
		finally:
			frappe.set_user("Administrator")
		frappe.set_user(user)
		try:
			self.assertEqual(cancel(colleague_reg)["status"], "Avmeldt")
		finally:
			frappe.set_user("Administrator")

	def test_a_group_larger_than_the_free_seats_is_waitlisted_in_order_and_told(self):
		session = team_session(capacity=2)
		_member, user = member_user()
		answer = self.register_as(
			user, session=session.name, participants=[colleague("A Ansen"), colleague("B Bensen")]
		)
		self.assertEqual(
			[(p["status"], p["waitlist_position"]) for p in answer["participants"]],
			[("Bekreftet", None), ("Bekreftet", None), ("Venteliste", 1)],
		)
		self.assertIn("1", answer["message"])
		self.assertIn("waitlist", answer["message"])

	def assert_refused(self, session, user, participants, text, **kwargs):
		before = (
			frappe.db.count("Registration", {"session": session.name}),
			frappe.db.count("Contact"),
		)
		with self.assertRaises((frappe.ValidationError, frappe.DuplicateEntryError)) as e:
			self.register_as(user, session=session.name, participants=participants, **kwargs)
		self.assertIn(text, str(e.exception))
		self.assertEqual(
			(frappe.db.count("Registration", {"session": session.name}), frappe.db.count("Contact")), before
		)

	def test_a_member_elsewhere_is_registered_like_any_colleague_and_the_answer_tells_nothing(self):
		session = team_session()
		member, user = member_user()
		other = make_member()  # a member of another organisation
		unknown = colleague("Ukjent Person")
		answer = self.register_as(
			user,
			session=session.name,
			include_self=0,
			participants=[
				unknown,
				{"name": other.member_name, "email": other.email, "title": "Kommunalsjef"},
			],
		)
		first, second = answer["participants"]
		self.assertEqual(set(first), set(second))
		self.assertEqual(
			(first["status"], first["total_display"]), (second["status"], second["total_display"])
		)
		reg = frappe.get_doc("Registration", second["registration"])
		self.assertEqual(
			(reg.participant_type, reg.member, reg.paying_organisation),
			("Kontakt", None, member.organisation),
		)
		self.assertNotIn(other.organisation, str(answer))

	def test_bad_groups_are_refused_with_a_message_and_nothing_is_saved(self):
		session = team_session()
		member, user = member_user()
		kari = colleague("Kari Nordmann")
		self.assert_refused(session, user, [kari, {**kari, "name": "Kari N."}], "twice")
		self.assert_refused(
			session, user, [kari, colleague("Ola Utenfra", organisation=make_org())], "another organisation"
		)
		self.assert_refused(session, user, [kari, {"name": "Uten Epost", "email": ""}], "e-mail")
		# someone already registered: the whole group is refused, also the ones before
		self.register_as(user, session=session.name, participants=[kari], include_self=0)
		self.assert_refused(session, user, [colleague("Per Hansen"), kari], "already registered")
		members_only = make_session()
		self.assert_refused(members_only, user, [colleague("Per Hansen")], "members only")
		self.assertEqual(frappe.db.count("Registration", {"session": members_only.name}), 0)
		self.assertTrue(member.name)

	def test_the_summary_job_leaves_out_a_registration_deleted_before_it_ran(self):
		"""The summary goes by a job after the answer; a registration deleted meanwhile (the secretariat, a
		walk's cleanup) made the job fail with "Registration … not found"."""
		from kdf_app.kdf_programmes.services.registration.notices import send_group_summary

		session = team_session()
		member, user = member_user()
		self.register_as(
			user, session=session.name, participants=[colleague("Kari Nordmann")], include_self=1
		)
		names = frappe.get_all("Registration", {"session": session.name}, pluck="name", order_by="creation")
		self.assertEqual(len(names), 2)
		frappe.delete_doc("Registration", names[-1], force=True, ignore_permissions=True)
		send_group_summary(member.name, names)  # no error; the summary names the one that is left
		send_group_summary(member.name, [names[-1]])  # nothing left: nothing sent, no error

	def test_a_failure_in_the_middle_of_the_inserts_keeps_nothing(self):
		"""The group is one transaction: the third insert failing (here: a package the session does not offer)
		takes the contact and the registrations made before it back too."""
		session = team_session()
		_member, user = member_user()
		contacts = frappe.db.count("Contact")
		frappe.db.savepoint("kdf_group")
		with self.assertRaises(frappe.ValidationError):
			self.register_as(
				user,
				session=session.name,
				participants=[
					colleague("Kari Nordmann"),
					colleague("Per Hansen", stay_package="Finnes ikke"),
				],
			)
		frappe.db.rollback(save_point="kdf_group")  # what a failed web request does
		self.assertEqual(frappe.db.count("Registration", {"session": session.name}), 0)
		self.assertEqual(frappe.db.count("Contact"), contacts)

	def test_the_secretariat_registers_a_non_member_in_the_desk_under_the_same_rules(self):
		session = team_session()
		member = make_member()
		contact = frappe.get_doc(
			{
				"doctype": "Contact",
				"first_name": "Lise",
				"last_name": "Lund",
				"designation": "Økonomisjef",
				"email_ids": [
					{"email_id": f"lise-{frappe.generate_hash(length=6)}@example.no", "is_primary": 1}
				],
				"links": [{"link_doctype": "Customer", "link_name": member.organisation}],
			}
		).insert(ignore_permissions=True)
		values = {
			"doctype": "Registration",
			"session": session.name,
			"participant_type": "Kontakt",
			"contact": contact.name,
			"invoice_reference": "R-1",
		}
		# members and leadership teams: a member of the organisation must be the one who registers
		with self.assertRaises(frappe.ValidationError) as e:
			frappe.get_doc(dict(values)).insert(ignore_permissions=True)
		self.assertIn("leadership teams", str(e.exception))
		reg = frappe.get_doc({**values, "registered_by": member.name}).insert(ignore_permissions=True)
		self.assertEqual((reg.participant_name, reg.participant_title), ("Lise Lund", "Økonomisjef"))
		self.assertEqual((reg.paying_organisation, float(reg.total)), (member.organisation, 7500.0))
		with self.assertRaises(frappe.DuplicateEntryError):
			frappe.get_doc({**values, "registered_by": member.name}).insert(ignore_permissions=True)
		# a member of another organisation cannot register her
		with self.assertRaises(frappe.ValidationError):
			frappe.get_doc(
				{**values, "session": team_session().name, "registered_by": make_member().name}
			).insert(ignore_permissions=True)
		# members only: refused
		with self.assertRaises(frappe.ValidationError) as e:
			frappe.get_doc({**values, "session": make_session().name, "registered_by": member.name}).insert(
				ignore_permissions=True
			)
		self.assertIn("members only", str(e.exception))

	def test_the_desk_lists_include_non_members_grouped_by_organisation(self):
		from kdf_app.kdf_programmes.report.session_participants.session_participants import execute
		from kdf_app.kdf_programmes.services.participants import (
			participant_list,
			participants_by_organisation,
		)
		from kdf_app.tests.utils import register

		session = team_session()
		member, _user = member_user()
		group.register_group(
			member.name, session.name, [colleague("Kari Nordmann")], myself={}, invoice_reference="R-1"
		)
		other = register(session, make_member())
		self.assertEqual(
			sorted(r.member_name for r in participant_list(session.name)),
			sorted([member.member_name, "Kari Nordmann", other.participant_name]),
		)
		groups = participants_by_organisation(session.name)
		self.assertEqual(sorted(len(g["participants"]) for g in groups), [1, 2])
		(team,) = [g for g in groups if g["organisation"] == member.organisation]
		self.assertEqual(
			[(p.participant_name, p.participant_type) for p in team["participants"]],
			[(member.member_name, "Medlem"), ("Kari Nordmann", "Kontakt")],
		)
		_columns, rows, *_rest = execute({"session": session.name})
		self.assertIn(("Kari Nordmann", "Kommunalsjef"), [(r.member_name, r.member_title) for r in rows])
		badges = frappe.get_print("Topplederprogram Session", session.name, "Navneskilt")
		for text in ("Kari Nordmann", "Kommunalsjef", session.session_title, other.participant_name):
			self.assertIn(text, badges)

	def test_the_secretariat_registers_a_group_from_the_desk_and_a_member_cannot(self):
		from kdf_app.api.registration import register_group_for

		session = team_session()
		member, user = member_user()
		answer = register_group_for(
			session.name, member.name, [colleague("Kari Nordmann")], include_member=1, invoice_reference="R-1"
		)
		self.assertEqual([p["status"] for p in answer["participants"]], ["Bekreftet", "Bekreftet"])
		frappe.set_user(user)
		try:
			with self.assertRaises(frappe.PermissionError):
				register_group_for(
					session.name, member.name, [colleague("Per Hansen")], invoice_reference="R-1"
				)
		finally:
			frappe.set_user("Administrator")
		self.assertEqual(frappe.db.count("Registration", {"session": session.name}), 2)

	def test_a_session_open_to_non_members_needs_their_fee(self):
		with self.assertRaises(frappe.ValidationError):
			make_session(participants_allowed=TEAMS, non_member_fee=0)


def _group(session: str, member: str, participants: list[dict]) -> list:
	docs = group.register_group(member, session, participants, myself={}, invoice_reference="R")
	return [(d.participant_name, d.status, d.waitlist_position) for d in docs]


def _group_in_own_connection(site: str, session: str, member: str, participants: list[dict]) -> list | str:
	return in_own_connection(site, _group, session, member, participants)


class TestGroupRegistrationRace(FrappeTestCase):
	def test_two_groups_from_two_organisations_at_once_for_the_last_seats(self):
		"""Two directors each register themself and three colleagues at the same moment for a session with 5
		seats: 5 confirmed, 3 waitlisted 1..3, each group's waitlisted members in the group's own order."""
		use_test_settings()
		session = make_session(capacity=5, participants_allowed=TEAMS, non_member_fee=7500)
		members = [make_member().name, make_member().name]
		groups = [[colleague(f"Kollega{i}{j} Test") for j in range(3)] for i in range(2)]
		frappe.db.commit()
		site = frappe.local.site
		try:
			with ThreadPoolExecutor(max_workers=2) as pool:
				results = list(
					pool.map(
						lambda w: _group_in_own_connection(site, session.name, *w),
						zip(members, groups, strict=True),
					)
				)
			frappe.db.rollback()
			self.assertFalse([r for r in results if isinstance(r, str)], results)
			rows = frappe.get_all(
				"Registration", {"session": session.name}, ["status", "waitlist_position", "registered_by"]
			)
			self.assertEqual(len(rows), 8)
			self.assertEqual(sum(r.status == "Bekreftet" for r in rows), 5)
			self.assertEqual(sorted(r.waitlist_position for r in rows if r.status == "Venteliste"), [1, 2, 3])
			for result in results:  # within a group, seats first, then the waitlist in the group's order
				statuses = [s for _n, s, _p in result]
				self.assertEqual(statuses, sorted(statuses, key=lambda s: s != "Bekreftet"))
				positions = [p for _n, s, p in result if s == "Venteliste"]
				self.assertEqual(positions, sorted(positions))
			self.assertEqual(
				frappe.db.get_value(
					"Topplederprogram Session",
					session.name,
					["confirmed_count", "waitlist_count", "free_seats"],
				),
				(5, 3, 0),
			)
		finally:
			remove_committed([session.name], members, contacts=True)


class TestGroupInvoices(InvoicingCase):
	"""One invoice per paying organisation per session, each participant by name on their own lines, a valid
	EHF (official rules), a credit note for one participant only, and the OU Refund Pack lists everyone."""

	def test_one_invoice_per_organisation_with_each_participant_on_their_own_lines(self):
		from kdf_app.kdf_billing.services.ou_pack import refundable_fees as ou_rows

		make_test_email_account()
		session = team_session()
		director = make_member(self.org)
		team = [colleague("Kari Nordmann"), colleague("Per Hansen", stay_package="Test med overnatting")]
		docs = group.register_group(
			director.name,
			session.name,
			team,
			myself={"stay_package": "Test med overnatting"},
			invoice_reference="3400123",
		)
		other = make_member(make_org())
		single.register_now({"session": session.name, "member": other.name, "invoice_reference": "R-2"})
		created = create_session_invoices(session.name)
		self.assertEqual(len(created), 2)
		self.assertEqual(create_session_invoices(session.name), [])
		(name,) = {frappe.db.get_value("Registration", d.name, "sales_invoice") for d in docs}
		si = frappe.get_doc("Sales Invoice", name)
		self.assertEqual((si.customer, si.po_no, si.docstatus), (self.org, "3400123", 1))
		fees = [(i.description, flt(i.amount)) for i in si.items if i.kdf_line_kind == "fee"]
		names = [director.member_name, "Kari Nordmann", "Per Hansen"]
		self.assertEqual([f[1] for f in fees], [6000, 7500, 7500])
		for (description, _amount), who in zip(fees, names, strict=True):
			self.assertTrue(description.startswith(f"Deltakeravgift: {who}"), description)
		self.assertEqual(
			{i.kdf_line_kind for i in si.items if i.kdf_registration == docs[2].name},
			{"fee", "accommodation", "food"},
		)
		xml = attached_xml(name)
		self.assertEqual(official_fatal(xml), [])
		for who in names:
			self.assertIn(who.encode(), xml)
		refund = [r for r in ou_rows(self.org, 0) if r["invoice"] == name]
		self.assertEqual(sorted(r["participant"] for r in refund), sorted(names))
		# one colleague cancels: a credit note for their lines only, with its own valid EHF
		frappe.get_doc("Registration", docs[1].name).cancel_registration()
		credit = frappe.get_doc("Sales Invoice", {"return_against": name, "docstatus": 1})
		self.assertEqual({i.kdf_registration for i in credit.items}, {docs[1].name})
		self.assertEqual(flt(credit.grand_total), -7500)
		self.assertEqual(official_fatal(attached_xml(credit.name)), [])
		refund = [r for r in ou_rows(self.org, 0) if r["invoice"] == name]
		self.assertEqual(sorted(r["participant"] for r in refund), sorted([names[0], names[2]]))
		# the director finds the organisation's invoice for the group (and its credit note) on /mine-fakturaer
		from kdf_app.kdf_members.services.membership import my_invoices

		frappe.set_user(director.create_portal_user())
		try:
			self.assertEqual(sorted(r["invoice"] for r in my_invoices()), sorted([name, credit.name]))
		finally:
			frappe.set_user("Administrator")


class TestGroupInvoicesVatRegistered(TestGroupInvoices):
	"""The same with KDF VAT registered (fee exempt, accommodation 12 %, food 25 %): the EHF is still valid."""

	VAT = "VAT registered"


class TestOpenSessionWithoutLogin(FrappeTestCase):
	"""A session open to everyone (Åpen) takes registrations from its public page without a login."""

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		use_test_settings()
		make_test_email_account()

	def setUp(self):
		self.org = make_org(kdf_invoice_reference="RES-ÅPEN")
		self.session = make_session(participants_allowed="Åpen", non_member_fee=7500)

	def tearDown(self):
		frappe.set_user("Administrator")

	def values(self, **kwargs):
		uid = frappe.generate_hash(length=6)
		return {
			"session": self.session.name,
			"name": f"Åse Åpen{uid}",
			"email": f"ase-{uid}@example.no",
			"organisation": self.org,
			"consent": 1,
			"title": "Rådgiver",
			"mobile": "+4791234567",
			"invoice_reference": "RES-ÅPEN",
			"dietary_needs": "Vegetar",
			**kwargs,
		}

	def as_guest(self, **kwargs):
		"""The public form, as a guest: the endpoint's answer and what was sent."""
		from kdf_app.api.registration import register_guest

		values = self.values(**kwargs)
		frappe.set_user("Guest")
		try:
			return register_guest(**values), values
		finally:
			frappe.set_user("Administrator")

	def requested(self, **kwargs):
		"""The form as a guest (through the service, to learn the key the e-mail carries)."""
		from kdf_app.kdf_programmes.services.registration import guest

		values = self.values(**kwargs)
		session = values.pop("session")
		frappe.set_user("Guest")
		try:
			return guest.request(session, values), values
		finally:
			frappe.set_user("Administrator")

	def confirm(self, key):
		from kdf_app.api.registration import confirm_guest

		frappe.set_user("Guest")
		try:
			return confirm_guest(key)
		finally:
			frappe.set_user("Administrator")

	def mail_to(self, email) -> str:
		import quopri

		names = frappe.get_all("Email Queue Recipient", {"recipient": email}, pluck="parent")
		raw = " ".join(frappe.db.get_value("Email Queue", n, "message") or "" for n in names)
		return quopri.decodestring(raw.encode()).decode("utf-8", "replace")

	def test_a_guest_registers_by_confirming_the_link_sent_to_their_address(self):
		out, values = self.as_guest()
		self.assertEqual(out, {"status": "requested"})  # nothing of the register, nothing of the seat
		self.assertFalse(
			frappe.db.exists(
				"Registration", {"session": self.session.name, "participant_email": values["email"]}
			)
		)
		self.assertIn("/bekreft-pamelding?key=", self.mail_to(values["email"]))
		key, values = self.requested()
		out = self.confirm(key)
		self.assertEqual(out["status"], "Bekreftet")
		self.assertNotIn(
			"name", out
		)  # a guest learns nothing of the register, not even the registration's name
		reg = frappe.get_doc(
			"Registration", {"session": self.session.name, "participant_email": values["email"]}
		)
		self.assertEqual(
			(reg.participant_type, reg.member, reg.paying_organisation, reg.participant_name),
			("Kontakt", None, self.org, values["name"]),
		)
		self.assertEqual(reg.total, 7500)  # the non-member fee
		links = frappe.get_all(
			"Dynamic Link", {"parent": reg.contact, "parenttype": "Contact"}, pluck="link_name"
		)
		self.assertEqual(links, [self.org])
		# the link works once
		with self.assertRaises(frappe.DoesNotExistError):
			self.confirm(key)

	def test_an_unconfirmed_request_holds_no_seat_and_lapses(self):
		from frappe.utils import add_to_date, now_datetime

		from kdf_app.kdf_programmes.services.registration import guest

		small = make_session(participants_allowed="Åpen", non_member_fee=7500, capacity=1)
		first_key, _first = self.requested(session=small.name)
		second_key, _second = self.requested(session=small.name)
		self.assertEqual(
			frappe.db.get_value("Topplederprogram Session", small.name, "confirmed_count") or 0, 0
		)
		self.assertEqual(self.confirm(second_key)["status"], "Bekreftet")  # who confirms first has the seat
		self.assertEqual(self.confirm(first_key)["status"], "Venteliste")
		late_key, _late = self.requested(session=small.name)
		frappe.db.set_value(
			guest.REQUEST,
			{"key_hash": guest.key_hash(late_key)},
			"expires_on",
			add_to_date(now_datetime(), hours=-1),
		)
		with self.assertRaises(frappe.DoesNotExistError):
			self.confirm(late_key)
		self.assertGreaterEqual(guest.lapse(), 1)
		self.assertIsNone(guest.pending(late_key))
		self.assertFalse(frappe.db.exists(guest.REQUEST, {"key_hash": guest.key_hash(late_key)}))

	def test_a_members_address_and_an_unknown_one_get_the_same_answer(self):
		member = make_member(self.org)
		unknown, _ = self.as_guest()
		as_member, _ = self.as_guest(email=member.email)
		self.assertEqual(unknown, as_member)
		self.assertFalse(
			frappe.db.exists(
				"Registration", {"session": self.session.name, "participant_email": member.email}
			)
		)
		self.assertIn("medlem", self.mail_to(member.email))
		self.assertNotIn("bekreft-pamelding", self.mail_to(member.email))
		# also when another field is wrong: the same refusal, whose ever the address
		for kwargs in ({"consent": 0}, {"organisation": "Finnes ikke AS"}):
			messages = []
			for email in (member.email, f"ukjent-{frappe.generate_hash(length=6)}@example.no"):
				with self.assertRaises(frappe.ValidationError) as caught:
					self.as_guest(email=email, **kwargs)
				messages.append(str(caught.exception))
			self.assertEqual(messages[0], messages[1], kwargs)
		# and an address already registered gets the same answer, and an e-mail saying so
		key, values = self.requested()
		self.confirm(key)
		again, _ = self.as_guest(email=values["email"], name=values["name"])
		self.assertEqual(again, unknown)
		self.assertIn("allerede påmeldt", self.mail_to(values["email"]))

	def test_refused_with_a_message_and_nothing_saved(self):
		teams = make_session(participants_allowed=TEAMS, non_member_fee=7500)
		contacts, registrations = frappe.db.count("Contact"), frappe.db.count("Registration")
		requests = frappe.db.count("Guest Registration Request")
		for kwargs, error, text in (
			({"session": teams.name}, frappe.PermissionError, "members only"),
			({"organisation": "Finnes ikke AS"}, frappe.ValidationError, "from the list"),
			({"consent": 0}, frappe.ValidationError, "privacy notice"),
			({"email": "ikke-en-adresse"}, frappe.ValidationError, "valid e-mail"),
		):
			frappe.db.savepoint("guest_try")
			with self.assertRaises(error, msg=str(kwargs)) as caught:
				self.as_guest(**kwargs)
			frappe.db.rollback(save_point="guest_try")
			self.assertIn(text, str(caught.exception), kwargs)
			self.assertNotIn("PAM-", str(caught.exception))
			self.assertNotIn("PAM-", str(frappe.local.message_log))
		self.assertEqual(
			(
				frappe.db.count("Contact"),
				frappe.db.count("Registration"),
				frappe.db.count("Guest Registration Request"),
			),
			(contacts, registrations, requests),
		)
