from odoo import Command, api, models

from ..tools import compat

PRIVILEGE_XMLID = "freelance_collections.res_groups_privilege_collections"


class ResGroups(models.Model):
    _inherit = "res.groups"

    @api.model
    def _collection_setup_groups(self):
        """Put the addon's groups in the user form and give the manager group its first users.

        Called from the security data at every install and update. Odoo 18.0 lists a group under its
        category (``category_id``); 19.0 under a privilege (``res.groups.privilege``, under the category),
        which 18.0 does not have, so the privilege is made here with its own XML id instead of in the data.
        """
        category = self.env.ref("freelance_collections.module_category_collections")
        user = self.env.ref("freelance_collections.group_collections_user")
        manager = self.env.ref("freelance_collections.group_collections_manager")
        if compat.ODOO_19:
            privilege = self.env.ref(PRIVILEGE_XMLID, raise_if_not_found=False)
            if not privilege:
                privilege = self.env["res.groups.privilege"].create(
                    {"name": category.name, "category_id": category.id, "sequence": category.sequence}
                )
                self.env["ir.model.data"]._update_xmlids(
                    [{"xml_id": PRIVILEGE_XMLID, "record": privilege, "noupdate": True}]
                )
            place = privilege
        else:
            place = category
        (user | manager).write({compat.group_privilege_field(): place.id})
        admins = self.env.ref("base.user_root") | self.env.ref("base.user_admin")
        manager.write({compat.GROUP_USERS: [Command.link(admin.id) for admin in admins]})

    @api.model
    def _collection_grant(self, group_xmlid, record_xmlids):
        """Show the actions and reports of RECORD_XMLIDS (XML ids in this addon) to GROUP_XMLID only.

        The field is ``groups_id`` on 18.0 and ``group_ids`` on 19.0, so the data calls this instead of
        naming it.

        :param str group_xmlid: a group of this addon, e.g. ``group_collections_user``
        :param list record_xmlids: actions (window, server, report) of this addon
        """
        group = self.env.ref(f"freelance_collections.{group_xmlid}")
        for xmlid in record_xmlids:
            self.env.ref(f"freelance_collections.{xmlid}").write({compat.GROUPS: [Command.link(group.id)]})
