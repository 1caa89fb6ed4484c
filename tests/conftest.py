"""Shared test setup.

The pure policy engine lives in ``freelance_collections/policy``, but importing it through its
parent package would import Odoo (``freelance_collections/__init__.py`` loads the models). The
unit tests therefore load the folder on its own as a top-level package named ``fc_policy``:
``import fc_policy`` works in every test and no Odoo module is ever imported.
"""

import importlib.util
import sys
from pathlib import Path

from hypothesis import settings

POLICY_DIR = Path(__file__).resolve().parent.parent / "freelance_collections" / "policy"


def _load_policy_package(name="fc_policy"):
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(
        name, POLICY_DIR / "__init__.py", submodule_search_locations=[str(POLICY_DIR)]
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[name]
        raise
    return module


fc_policy = _load_policy_package()

# Property tests: enough examples to find edge cases, no per-example deadline (CI machines vary).
settings.register_profile("fc_policy", max_examples=150, deadline=None)
settings.load_profile("fc_policy")
