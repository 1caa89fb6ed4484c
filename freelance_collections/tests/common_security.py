"""Shared by the security tests: the names of the addon's own models."""


def addon_models(env):
    """Names of the addon's own models (not abstract), reports and wizards included."""
    names = env["ir.model"].search([("model", "=like", "collection.%")]).mapped("model")
    return [name for name in names if name in env and not env[name]._abstract]
