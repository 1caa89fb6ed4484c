"""The base of the run tests: a policy that reminds every day, and helpers to run it and read what it did."""

from .common import CollectionsCommon


class RunCommon(CollectionsCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.policy.write({"reminder_interval_days": 0, "quiet_days": "none"})
        cls.client_contact.email = "accounts@client.example.com"
        cls.Policy = cls.env["collection.policy"]
        cls.Run = cls.env["collection.run"]

    def _run(self):
        return self.Run._cron_run_collections()

    def _logs(self, moves=None, action=None):
        domain = [("move_id", "in", (moves or self.env["account.move"].search([])).ids)]
        if action:
            domain.append(("action", "=", action))
        return self.env["collection.action.log"].search(domain, order="id")

    def _client_emails(self, partner=None):
        """Reminder emails posted on the client (one mail.message each)."""
        partner = partner or self.client
        return self.env["mail.message"].search(
            [
                ("model", "=", "res.partner"),
                ("res_id", "=", partner.id),
                ("message_type", "=", "comment"),
            ],
            order="id",
        )
