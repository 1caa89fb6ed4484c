"""The safety check of a reminder's template body made once per body, not for every email.

Before rendering a QWeb body, ``mail.render.mixin._render_template_qweb`` asks whether the body
holds code beyond plain placeholders (``_has_unsafe_expression_template_qweb``): it answers by
generating the body's code once more. While a collections reminder is rendered (see ``ir_qweb.py``)
the answer is kept per body text and model in Odoo's ``templates`` cache; an edited body is another
text, hence another key.
"""

from odoo import api, models, tools

from .ir_qweb import RENDER_CACHE_CONTEXT


class MailRenderMixin(models.AbstractModel):
    _inherit = "mail.render.mixin"

    @api.model
    def _has_unsafe_expression_template_qweb(self, template_src, model, *args, **kwargs):
        if not template_src or RENDER_CACHE_CONTEXT not in self.env.context or "xml" in tools.config["dev_mode"]:
            return super()._has_unsafe_expression_template_qweb(template_src, model, *args, **kwargs)
        return self._collection_unsafe_cached(str(template_src), model, args, tuple(sorted(kwargs.items())))

    @tools.ormcache("source", "model", "args", "kwargs", cache="templates")
    def _collection_unsafe_cached(self, source, model, args, kwargs):
        return super()._has_unsafe_expression_template_qweb(source, model, *args, **dict(kwargs))
