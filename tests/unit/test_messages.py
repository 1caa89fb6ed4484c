"""The engine speaks in codes with values (policy/messages.py); the Odoo layer translates them."""

import ast
import dataclasses
import string
from datetime import date
from decimal import Decimal
from pathlib import Path

import fc_policy
import pytest
from fc_policy import CODES, Message, PolicyError
from fc_policy.messages import ENGLISH

POLICY_DIR = Path(fc_policy.__file__).resolve().parent


def codes_used_in_the_engine():
    """Codes passed literally to Message.of / Message(...) anywhere in policy/."""
    used = set()
    for path in POLICY_DIR.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
            target = func.value.id if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) else name
            if target == "Message" and name in ("of", "Message"):
                first = node.args[0]
                assert isinstance(first, ast.Constant), f"{path.name}:{node.lineno}: a code must be a literal"
                used.add(first.value)
    return used


def test_every_code_used_is_known_and_every_known_code_is_used():
    assert codes_used_in_the_engine() == set(CODES)


def test_the_engine_refuses_with_policy_errors_only():
    trees = {path.name: ast.parse(path.read_text(), str(path)) for path in POLICY_DIR.glob("*.py")}
    # PolicyError and its kinds declared in policy/ (rates.RateFormatError: a publisher's answer refused)
    allowed = {"PolicyError"} | {
        node.name
        for tree in trees.values()
        for node in ast.walk(tree)
        if isinstance(node, ast.ClassDef) and any(getattr(base, "id", None) == "PolicyError" for base in node.bases)
    }
    for name, tree in trees.items():
        if name == "messages.py":
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call):
                assert getattr(node.exc.func, "id", None) in allowed, f"{name}:{node.lineno}"


def test_english_templates_name_their_values():
    for code, template in ENGLISH.items():
        fields = [field for _text, field, _spec, _conv in string.Formatter().parse(template) if field]
        assert all(field.isidentifier() for field in fields), code


def test_a_message_is_an_immutable_value():
    message = Message.of("discount.duplicate_days", days=10)
    assert message == Message("discount.duplicate_days", (("days", 10),))
    assert hash(message) == hash(Message.of("discount.duplicate_days", days=10))
    assert message.params == {"days": 10}
    with pytest.raises(dataclasses.FrozenInstanceError):
        message.code = "other"
    with pytest.raises(KeyError):
        Message.of("discount.no_such_code")


def test_values_are_data_and_the_english_fallback_formats_them():
    message = Message.of("penalty.no_reference_rate", date=date(2024, 1, 2))
    assert message.params["date"] == date(2024, 1, 2)
    assert str(message) == "No reference rate on or before 2024-01-02: add the rate in force then."
    total = Message.of("deposit.total_not_100", total=Decimal("99.99"))
    assert isinstance(total.params["total"], Decimal)
    assert str(total) == "Deposit lines add up to 99.99%; they must add up to 100%."


def test_policy_error_is_a_value_error_with_its_messages():
    first = Message.of("deposit.no_line")
    second = Message.of("payment_plan.no_installment", count=0)
    error = PolicyError(first, second)
    assert isinstance(error, ValueError)
    assert error.messages == (first, second)
    assert error.codes == ["deposit.no_line", "payment_plan.no_installment"]
    assert str(error) == "Add at least one deposit line. A payment plan needs at least one installment, not 0."


def test_validations_return_numbers_as_numbers():
    errors = fc_policy.validate_tiers([fc_policy.DiscountTier(5, Decimal("2.5")), fc_policy.DiscountTier(10, 3)])
    [message] = errors
    assert message.code == "discount.not_decreasing"
    assert all(isinstance(value, int | Decimal) for value in message.params.values())
