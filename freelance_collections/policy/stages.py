"""Escalation decisions: which stage of the ladder an invoice is in, from facts only.

A stage is never sticky: it is recomputed from the due date, the amount still due and the
pauses every time. A paused invoice keeps the stage it had when the pause started; the days a payment plan was kept
do not count as late, so a broken plan resumes the ladder at the stage it left.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from .bounds import MAX_DAYS
from .messages import Message


@dataclass(frozen=True)
class StageRule:
    key: object
    sequence: int
    days: int
    name: str = ""

    @property
    def title(self):
        return self.name or str(self.key)


@dataclass(frozen=True)
class InvoiceFacts:
    due_date: date
    residual: Decimal
    paused: bool = False
    paused_stage_key: object = None
    paused_days: int = 0  # days escalation stood still (a payment plan kept): they do not count as late


def days_late(due_date, today):
    return (today - due_date).days


def validate_stages(stages):
    """Return what is wrong with a ladder, as Messages that say what to fix."""
    errors = []
    keys = [stage.key for stage in stages]
    if len(set(keys)) != len(keys):
        errors.append(Message.of("stage.duplicate_key"))
    for stage in stages:
        if abs(stage.days) > MAX_DAYS:
            errors.append(Message.of("stage.days_too_many", name=stage.title, days=stage.days, maximum=MAX_DAYS))
    ordered = sorted(stages, key=lambda stage: stage.sequence)
    for previous, stage in zip(ordered, ordered[1:], strict=False):
        if stage.days <= previous.days:
            errors.append(
                Message.of(
                    "stage.out_of_order",
                    previous_name=previous.title,
                    previous_days=previous.days,
                    name=stage.title,
                    days=stage.days,
                )
            )
    return errors


def decide_stage(stages, facts, today):
    """Key of the stage FACTS put the invoice in on TODAY, or None."""
    if facts.residual <= 0:
        return None
    if facts.paused:
        return facts.paused_stage_key
    late = days_late(facts.due_date, today) - max(facts.paused_days, 0)
    reached = [stage for stage in stages if stage.days <= late]
    if not reached:
        return None
    return max(reached, key=lambda stage: (stage.sequence, stage.days)).key


def worst_stage(stages, keys):
    """Of KEYS (None ignored), the key of the stage furthest along the ladder, or None."""
    by_key = {stage.key: stage for stage in stages}
    present = [by_key[key] for key in keys if key is not None and key in by_key]
    if not present:
        return None
    return max(present, key=lambda stage: (stage.sequence, stage.days)).key
