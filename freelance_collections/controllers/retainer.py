"""The client's retainers on the customer portal: each running retainer's balance and history.

``/my/retainers`` lists the retainers of the logged-in user's client (its commercial partner);
``/my/retainers/<id>`` shows one. Both read with the user's own rights: the portal record rule
(``collection_retainer_portal_rule``) lets a portal user read only its own client's retainers, the
multi-company rule keeps internal users to their companies; anything else is a 404 that says nothing.
The history is then read in sudo, limited to that retainer.
"""

from odoo import http
from odoo.exceptions import AccessError, MissingError
from odoo.http import request

from odoo.addons.portal.controllers.portal import CustomerPortal


class CollectionsRetainerPortal(CustomerPortal):
    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "retainer_count" in counters:
            values["retainer_count"] = (
                request.env["collection.retainer"].search_count(self._collection_retainer_domain())
                if request.env["collection.retainer"].has_access("read")
                else 0
            )
        return values

    @staticmethod
    def _collection_retainer_domain():
        return [
            ("partner_id", "=", request.env.user.commercial_partner_id.id),
            ("state", "=", "active"),
        ]

    @http.route("/my/retainers", type="http", auth="user", website=True, sitemap=False)
    def collection_portal_retainers(self, **kwargs):
        retainers = request.env["collection.retainer"]
        if retainers.has_access("read"):
            retainers = retainers.search(self._collection_retainer_domain())
        values = self._prepare_portal_layout_values()
        values.update({"retainers": retainers.sudo(), "page_name": "retainers"})
        return request.render("freelance_collections.portal_my_retainers", values)

    @http.route("/my/retainers/<int:retainer_id>", type="http", auth="user", website=True, sitemap=False)
    def collection_portal_retainer(self, retainer_id, **kwargs):
        try:
            retainer = request.env["collection.retainer"].browse(retainer_id).exists()
            retainer.check_access("read")
            if not retainer or retainer.partner_id != request.env.user.commercial_partner_id:
                raise MissingError(retainer_id)
        except (AccessError, MissingError):
            raise request.not_found() from None
        retainer_sudo = retainer.sudo()
        values = self._prepare_portal_layout_values()
        values.update(
            {"retainer": retainer_sudo, "history": retainer_sudo._collection_history(), "page_name": "retainer"}
        )
        return request.render("freelance_collections.portal_my_retainer", values)
