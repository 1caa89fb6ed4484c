"""The collection actions: one registry of what the run can do, in the order it does it.

Each action has a code (stored on the action log), an English label (the action log's selection:
Odoo translates it), the stage checkbox that calls for it (none for the actions the run takes by
itself), whether it emails the client, and the name of the run's method that carries it out.
Plain data: the models read it, nothing here imports Odoo.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Action:
    code: str
    label: str
    stage_field: str = ""  # the collection.stage checkbox that calls for it ("": the run decides)
    emails_client: bool = False
    handler: str = ""  # collection.run method carrying it out for a list of planned items ("": none)


# Execution order: a confirmation first (it holds the others back), the emails last (they describe
# what happened). Late fees have no handler: the run books them before it carries out the planned
# actions, so the emails list them; a late-fee invoice no email listed is sent on its own last.
ACTIONS = (
    Action("manual", "Manual confirmation", "action_manual", handler="_collection_do_manual"),
    Action("work_stop", "Work stop", "action_work_stop", handler="_collection_do_work_stop"),
    Action("agency", "Agency handoff", "action_agency", handler="_collection_do_agency"),
    Action("write_off", "Write-off", "action_write_off", handler="_collection_do_write_off"),
    Action("activity", "Activity", "action_activity", handler="_collection_do_activity"),
    Action("email", "Email", "action_email", emails_client=True, handler="_collection_do_email"),
    Action(
        "formal_notice",
        "Formal notice",
        "action_formal_notice",
        emails_client=True,
        handler="_collection_do_formal_notice",
    ),
    Action("discount_nudge", "Discount reminder", emails_client=True, handler="_collection_do_discount_nudge"),
    Action("penalty", "Late fee"),
    Action("fee_notice", "Late-fee invoice sent", emails_client=True, handler="_collection_do_fee_notice"),
    Action("undeliverable", "Undeliverable reminder"),
    # autopay (collection_run_autopay.py): the run's own step before the batches, no handler
    Action("autopay_notice", "Autopay notice"),
    Action("autopay_charge", "Automatic charge"),
    Action("autopay_failed", "Automatic charge failed"),
)
BY_CODE = {action.code: action for action in ACTIONS}
# The actions whose handler runs on the planned items, in execution order.
PLANNED = tuple(action for action in ACTIONS if action.handler)
# The actions a stage can call for, in execution order, with the stage field that does.
STAGE_ACTIONS = tuple(action for action in ACTIONS if action.stage_field)
# The actions that email the client (throttled, kept off quiet days, checked for delivery).
EMAIL_ACTIONS = tuple(action.code for action in ACTIONS if action.emails_client)
# Days of the week (Monday 0) on which no reminder leaves, per the policy's quiet-days choice.
QUIET_WEEKDAYS = {"none": (), "sat_sun": (5, 6), "fri_sat": (4, 5)}


def selection():
    """(code, label) pairs for a selection field."""
    return [(action.code, action.label) for action in ACTIONS]


@dataclass
class PlannedAction:
    """One action the run means to take today for one invoice at one stage."""

    move: object
    stage: object
    action: str
    key: str
    note: str = ""
    blocked: str = ""  # why it waits (quiet day, throttled, confirmation): nothing is recorded then
    message_id: int = 0  # the email sent to the client, when the action sends one
    failed: bool = False  # carried out but failed: recorded, tried again the next day
    repeat: int = 0  # the how-manieth repeat of the stage's email (0: the stage's first one)
