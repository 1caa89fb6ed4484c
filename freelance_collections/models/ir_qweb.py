"""A reminder's template body compiled once, not for every email.

Odoo renders a mail template's ``body_html`` as an inline QWeb template: an lxml tree parsed from the
body, which ``ir.qweb._compile`` turns into Python code and compiles again at every rendering (a view
has a cache key, an inline tree none). A run sends hundreds of reminders from a handful of templates,
so while a reminder is rendered (``collection_invoice_ids`` in the context: see
``res.partner._collection_send_reminder``) the compiled body is kept in Odoo's ``templates`` cache,
keyed on the body's own text and on the context keys Odoo keys its compiled views with (the
language, the restricted mode of ``mail.render.mixin``...). A template edited in the editor, or
rendered in another language, has another text, hence another key: nothing stale is ever served.
"""

from lxml import etree

from odoo import models, tools

# the context key that marks a collections reminder being rendered
RENDER_CACHE_CONTEXT = "collection_invoice_ids"


class IrQweb(models.AbstractModel):
    _inherit = "ir.qweb"

    def _compile(self, template):
        if (
            not isinstance(template, etree._Element)
            or RENDER_CACHE_CONTEXT not in self.env.context
            or "xml" in tools.config["dev_mode"]  # as Odoo: templates read afresh in this mode
        ):
            return super()._compile(template)
        # the text before compiling: the compilation consumes attributes of the tree
        source = etree.tostring(template, encoding="unicode")
        keys = tuple(self.env.context.get(key) for key in self._collection_compile_keys())
        return self._collection_compile_cached(source, keys, template)

    def _collection_compile_keys(self):
        """The context keys the compiled code may depend on: those of Odoo's cache of compiled views,
        and the options ``ir.qweb`` reads from the context while compiling."""
        return [*self._get_template_cache_keys(), "preserve_comments", "dev_mode"]

    @tools.ormcache("source", "keys", cache="templates")
    def _collection_compile_cached(self, source, keys, template):
        return super()._compile(template)
