"""The pure engine's messages reach users through one translating layer (tools/engine_messages.py)."""

import inspect
import re
import string
from datetime import date
from decimal import Decimal
from unittest.mock import patch

from babel.messages.extract import extract

from odoo import Command
from odoo.exceptions import ValidationError
from odoo.tests import TransactionCase, tagged
from odoo.tools import format_date
from odoo.tools.translate import LazyGettext, code_translations

from ..policy.messages import CODES, ENGLISH, Message, PolicyError
from ..policy.schedule import TRIGGERS
from ..tools import engine_messages
from ..tools.engine_messages import TERMS, error_text, render_messages, translate

MODULE = "freelance_collections"


def sample(name):
    """A value of the kind the engine gives for the placeholder NAME."""
    if name == "date":
        return date(2024, 1, 2)
    if name == "triggers":
        return TRIGGERS
    if name in ("mode", "trigger", "name", "previous_name"):
        return "Firm"
    if name in ("percent", "previous_percent", "rate", "min_debt", "previous_min_debt", "total"):
        return Decimal("12.5")
    return 15


def sample_message(code):
    fields = [field for _text, field, _spec, _conv in string.Formatter().parse(ENGLISH[code]) if field]
    return Message.of(code, **{field: sample(field) for field in fields})


@tagged("post_install", "-at_install")
class TestEngineMessages(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env_en = cls.env(context=dict(cls.env.context, lang="en_US"))

    def source(self, code):
        return self.env_en._(TERMS[code])

    def test_every_engine_code_has_a_term_with_the_same_values(self):
        self.assertEqual(set(TERMS), set(CODES), "one term per code the engine can produce, no more")
        for code in CODES:
            with self.subTest(code=code):
                self.assertIsInstance(TERMS[code], LazyGettext)
                english_fields = {field for _t, field, _s, _c in string.Formatter().parse(ENGLISH[code]) if field}
                self.assertEqual(set(re.findall(r"%\((\w+)\)s", self.source(code))), english_fields)

    def test_the_terms_are_exported_with_the_module(self):
        """--i18n-export extracts python terms with babel and the keywords _ and _lt: so does this."""
        with open(inspect.getsourcefile(engine_messages), "rb") as source_file:
            extracted = {
                message
                for _line, message, _comments, _context in extract(
                    "python", source_file, keywords={"_": None, "_lt": None}
                )
            }
        self.assertEqual({self.source(code) for code in CODES} - extracted, set())

    def test_english_is_the_engines_text(self):
        for code in CODES:
            message = sample_message(code)
            expected = str(message)
            if "date" in message.params:  # the engine writes ISO dates, Odoo the user's date format
                expected = expected.replace("2024-01-02", format_date(self.env_en, date(2024, 1, 2)))
            with self.subTest(code=code):
                self.assertEqual(translate(self.env_en, message), expected)

    def test_a_bad_policy_is_refused_in_english(self):
        policy = self.env["collection.policy"].create({"name": "Messages"})
        with self.assertRaises(ValidationError) as caught:
            policy.write({"discount_tier_ids": [Command.create({"days": 5, "percent": 0})]})
        self.assertEqual(
            str(caught.exception),
            "Collection policy Messages: The discount within 5 days is 0.0%; enter more than 0% and less than 100%.",
        )
        with self.assertRaises(ValidationError) as caught:
            self.env["collection.deposit.template"].create(
                {"name": "Short", "line_ids": [Command.create({"percent": 30})] * 3}
            )
        self.assertEqual(
            str(caught.exception), "Deposit schedule Short: Deposit lines add up to 90%; they must add up to 100%."
        )

    def test_engine_errors_become_text(self):
        error = PolicyError(Message.of("deposit.no_line"), Message.of("payment_plan.no_installment", count=0))
        self.assertEqual(
            error_text(self.env_en, error),
            "Add at least one deposit line. A payment plan needs at least one installment, not 0.",
        )
        self.assertEqual(error_text(self.env_en, ValueError("something else")), "something else")
        self.assertEqual(render_messages(self.env_en, []), [])

    def test_messages_follow_the_users_language(self):
        """The mechanism, without a French .po (the translators fill it): a French entry for the term is
        put where Odoo keeps the module's code translations for fr_FR (what i18n/fr.po loads into), and
        the constraint's message, its decimal separator and its dates come out French."""
        self.env["res.lang"]._activate_lang("fr_FR")
        env_fr = self.env(context=dict(self.env.context, lang="fr_FR"))
        french = dict(code_translations.get_python_translations(MODULE, "fr_FR"))
        french[self.source("discount.percent_range")] = (
            "La remise à %(days)s jours est de %(percent)s %% : saisissez plus de 0 %% et moins de 100 %%."
        )
        french[self.source("penalty.no_reference_rate")] = (
            "Aucun taux de référence au %(date)s ou avant : ajoutez le taux alors en vigueur."
        )
        french[self.source("deposit.no_line")] = "Un %(oops)s invalide."  # a broken translation
        with patch.dict(code_translations.python_translations, {(MODULE, "fr_FR"): french}):
            policy = self.env["collection.policy"].with_context(lang="fr_FR").create({"name": "Messages"})
            with self.assertRaises(ValidationError) as caught:
                policy.write({"discount_tier_ids": [Command.create({"days": 5, "percent": 120.5})]})
            self.assertIn(
                "La remise à 5 jours est de 120,5 % : saisissez plus de 0 % et moins de 100 %.", str(caught.exception)
            )
            message = Message.of("penalty.no_reference_rate", date=date(2024, 1, 2))
            self.assertEqual(
                translate(env_fr, message),
                "Aucun taux de référence au 02/01/2024 ou avant : ajoutez le taux alors en vigueur.",
            )
            self.assertEqual(
                translate(self.env_en, message),
                "No reference rate on or before 01/02/2024: add the rate in force then.",
            )
            with self.assertLogs("odoo.addons.freelance_collections.tools.engine_messages", "ERROR"):
                self.assertEqual(translate(env_fr, Message.of("deposit.no_line")), "Add at least one deposit line.")
