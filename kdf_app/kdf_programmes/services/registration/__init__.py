"""Registrations for Topplederprogram sessions, by concern:

- ``seats``: the seat decision under the session's row lock (a seat or a waitlist place, promotion from the
  waitlist, the session's counts), so concurrent registrations never confirm more than capacity
- ``single``: one registration: participant, payer, prices, inserted as one short unit of work; attendance;
  a member's own list
- ``group``: a member registers colleagues from their own organisation in one step, all or nothing
- ``guest``: open sessions (Åpen): a guest's request, confirmed by the link e-mailed to the address
- ``cancellation``: changes of mind (the members' cut-off, late charges) and a cancelled session, as a job
- ``notices``: the e-mails that follow

Every path that creates or cancels a registration (portal API, desk form, data import) goes through the
Registration controller, which calls ``single.prepare``, ``seats.allocate`` and ``single.validate``."""
