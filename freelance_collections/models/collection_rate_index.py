import logging
from decimal import Decimal
from urllib.parse import urlsplit

import requests

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import format_date

from ..policy import rates
from ..tools import compat
from ..tools.engine_messages import error_text

_logger = logging.getLogger(__name__)


def _figure(rate):
    """A rate as its shortest figure (3.75, 2.15, 4): no f-string inside a translated call, whose
    arguments Babel's term extraction evaluates (and fails on, losing every term of the file)."""
    return format(rate, "g")


AUTO_UPDATE_PARAM = "freelance_collections.rate_auto_update"
FETCH_TIMEOUT = 30  # seconds
USER_AGENT = "Odoo freelance_collections (reference rates)"
HISTORY_YEARS = 3  # values older than 1 January three years back are not imported


class CollectionRateIndex(models.Model):
    """A published reference rate (ECB, Bank of England, ...) with its dated values."""

    _name = "collection.rate.index"
    _description = "Collection Reference Rate Index"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "name"
    _rec_names_search = ["name", "code"]  # a CSV of rates may name its index by code (ECB_MRO)

    name = fields.Char(required=True, translate=True)
    code = fields.Char(
        required=True,
        help="Stable technical code, used when importing rates from a CSV file.",
    )
    active = fields.Boolean(default=True)
    note = fields.Text(translate=True, help="Where the rate comes from and how it is fixed.")
    rate_ids = fields.One2many("collection.reference.rate", "index_id", string="Rates")
    current_rate = fields.Float(compute="_compute_current_rate", digits=(16, 4), string="Rate Today (%)")
    half_yearly = fields.Boolean(
        string="Fixed per Half-Year",
        default=True,
        help="The law fixes this rate on 1 January and 1 July: a warning shows when the current half-year "
        "has no value. Off for a rate that changes on each decision (the ECB's main refinancing rate).",
    )
    provider = fields.Selection(
        [
            ("manual", "None (entered by hand)"),
            ("ecb_mro", "ECB: main refinancing rate, each decision"),
            ("ecb_semester", "ECB: rate in force on 1 January / 1 July"),
            ("be_semester", "ECB: Belgian rate (in force on 1 January / 1 July + 8, rounded up to 0.5)"),
            ("boe_semester", "Bank of England: Bank Rate of 31 December / 30 June"),
            ("bbk_basiszins", "Bundesbank: Basiszinssatz (BGB § 247)"),
        ],
        string="Updated From",
        required=True,
        default="manual",
        help="Where the daily update fetches the new values. A value that contradicts one already recorded "
        "is never overwritten: it is listed for a manager to check.",
    )
    rate_update_date = fields.Datetime(string="Last Update", readonly=True, copy=False)
    rate_update_state = fields.Selection(
        [("ok", "Updated"), ("error", "Failed")], string="Last Update Outcome", readonly=True, copy=False
    )
    rate_update_message = fields.Text(string="Last Update Message", readonly=True, copy=False)
    conflict_ids = fields.One2many(
        "collection.rate.conflict", "index_id", string="Conflicting Values", domain=[("state", "=", "open")]
    )
    conflict_count = fields.Integer(compute="_compute_conflict_count")
    stale_warning = fields.Text(
        string="Rate Warning", compute="_compute_stale_warning", help="Says when the current half-year has no rate."
    )

    compat.add_constraint(
        locals(), "code_unique", "unique(code)", "A reference rate index with this code already exists."
    )

    @api.depends("rate_ids.date", "rate_ids.rate")
    def _compute_current_rate(self):
        today = fields.Date.context_today(self)
        for index in self:
            rates = index.rate_ids.filtered(lambda r: r.date <= today).sorted("date")
            index.current_rate = rates[-1].rate if rates else 0.0

    @api.depends("conflict_ids")
    def _compute_conflict_count(self):
        for index in self:
            index.conflict_count = len(index.conflict_ids)

    @api.depends("rate_ids.date", "half_yearly", "rate_update_date", "rate_update_state")
    def _compute_stale_warning(self):
        today = fields.Date.context_today(self)
        for index in self:
            index.stale_warning = index._collection_stale_warning(today)

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            # the indexes the addon knows by code get their publisher (also when created by a data file)
            if "provider" not in vals and vals.get("code") in rates.PROVIDER_BY_CODE:
                vals["provider"] = rates.PROVIDER_BY_CODE[vals["code"]]
        return super().create(vals_list)

    def _get_rate_periods(self):
        """Return the index's values as a list of (start date, rate percent) tuples, oldest first."""
        self.ensure_one()
        return [(rate.date, rate.rate) for rate in self.rate_ids.sorted("date")]

    # ------------------------------------------------------------------------------------------------
    # Never silently stale
    # ------------------------------------------------------------------------------------------------

    @api.model
    def _collection_auto_update(self):
        """Whether the daily update may fetch (Settings > Collections); on unless turned off."""
        value = self.env["ir.config_parameter"].sudo().get_param(AUTO_UPDATE_PARAM, "1")
        return value not in ("0", "False", "false", "")

    def _collection_stale_warning(self, day=None):
        """The warning when the half-year holding DAY has no value (or "" when it has one).

        Meanwhile the penalty engine uses the last known value (a value applies until the next one).
        """
        self.ensure_one()
        day = day or fields.Date.context_today(self)
        if not self.half_yearly:
            return ""
        start = rates.half_year_start(day)
        values = self.rate_ids.sorted("date")
        if any(value.date >= start for value in values):
            return ""
        known = values.filtered(lambda value: value.date <= day)[-1:]
        if known:
            used = _(
                "the last known rate, %(rate)s%% from %(date)s, is used meanwhile",
                rate=_figure(known.rate),
                date=format_date(self.env, known.date),
            )
        else:
            used = _("no rate is known: the interest cannot be computed")
        if self.provider == "manual":
            update = _("this index is entered by hand")
        elif not self.rate_update_date:
            update = _("last update: never")
        elif self.rate_update_state == "error":
            update = _(
                "last update %(date)s failed: %(message)s",
                date=self._collection_update_day(),
                message=(self.rate_update_message or "").rstrip("."),
            )
        else:
            update = _("last update %(date)s", date=self._collection_update_day())
        if self.provider != "manual" and not self._collection_auto_update():
            update += "; " + _("automatic updates are off in Settings")
        return _(
            "%(index)s: no rate for the half-year from %(start)s; %(used)s; %(update)s; enter it or update now.",
            index=self.name,
            start=format_date(self.env, start),
            used=used,
            update=update,
        )

    def _collection_update_day(self):
        """The day of the last update, in the user's time zone and language (as the rates' dates)."""
        return format_date(self.env, fields.Datetime.context_timestamp(self, self.rate_update_date).date())

    # ------------------------------------------------------------------------------------------------
    # Updates from the publishers
    # ------------------------------------------------------------------------------------------------

    def action_update_rates(self):
        """Update Now: fetch the index's publisher and record what is new (managers)."""
        self.check_access("write")
        updated = self.filtered(lambda index: index.provider != "manual")
        updated._collection_update_rates()
        if len(updated) == 1 and updated.rate_update_state == "error":
            kind, title = "warning", _("Update failed")
        else:
            kind, title = "success", _("Reference rates")
        messages = [f"{index.name}: {index.rate_update_message}" for index in updated] or [
            _("This index is entered by hand: choose where it is updated from first.")
        ]
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": title,
                "message": "\n".join(messages),
                "type": kind,
                "sticky": kind == "warning",
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},  # the form shows the outcome
            },
        }

    @api.model
    def _cron_update_rates(self):
        """Daily: update every active index that has a publisher, unless turned off in Settings."""
        if not self._collection_auto_update():
            _logger.info("Reference rates: automatic updates are off (Settings > Collections); nothing fetched.")
            return False
        indexes = self.search([("provider", "!=", "manual")])
        indexes._collection_update_rates()
        return True

    @api.model
    def _collection_fetch_rate_text(self, source, today):
        """The publisher's answer for SOURCE, as text (network: mocked in tests)."""
        url = rates.source_url(source, today)
        with requests.Session() as session:
            response = session.get(url, timeout=FETCH_TIMEOUT, headers={"User-Agent": USER_AGENT})
            response.raise_for_status()
            return response.text

    def _collection_update_rates(self):
        """Fetch each source once, then record each index's new values; errors are kept on the index."""
        today = fields.Date.context_today(self)
        answers = {}
        for index in self.filtered(lambda index: index.provider in rates.PROVIDERS):
            source, _rule = rates.PROVIDERS[index.provider]
            if source not in answers:
                try:
                    text = self._collection_fetch_rate_text(source, today)
                    answers[source] = ("ok", rates.PARSERS[source](text))
                except requests.Timeout:
                    answers[source] = (
                        "error",
                        _("the publisher did not answer in %(seconds)s s", seconds=FETCH_TIMEOUT),
                    )
                except requests.HTTPError as error:
                    status = error.response.status_code if error.response is not None else "?"
                    answers[source] = (
                        "error",
                        _("the publisher answered with an error (HTTP %(status)s)", status=status),
                    )
                except requests.RequestException as error:
                    _logger.warning("Reference rates: %s unreachable: %s", source, error)
                    host = urlsplit(rates.source_url(source, today)).hostname
                    answers[source] = (
                        "error",
                        _(
                            "%(host)s could not be reached (has this server internet access? Without it, turn "
                            "the daily update off in Settings and enter each half-year's rate by hand)",
                            host=host,
                        ),
                    )
                except rates.RateFormatError as error:
                    why = error_text(self.env, error)  # the engine's message, in the user's language
                    answers[source] = ("error", _("the publisher's answer is not understood: %(error)s", error=why))
                except Exception as error:  # never crash the cron for one index
                    _logger.exception("Reference rates: fetching %s failed", source)
                    answers[source] = ("error", _("unexpected error: %(error)s", error=error))
            outcome, payload = answers[source]
            if outcome == "error":
                index._collection_record_update_error(payload)
                continue
            try:
                with self.env.cr.savepoint():
                    index._collection_record_values(rates.provider_values(index.provider, payload, today), today)
            except Exception as error:
                _logger.exception("Reference rates: recording %s failed", index.code)
                index._collection_record_update_error(_("the values could not be recorded: %(error)s", error=error))

    def _collection_record_update_error(self, message):
        self.ensure_one()
        _logger.warning("Reference rates: %s not updated: %s", self.code, message)
        self.sudo().write(
            {
                "rate_update_date": fields.Datetime.now(),
                "rate_update_state": "error",
                "rate_update_message": _("Not updated, the rates are as they were: %(why)s.", why=message),
            }
        )

    def _collection_record_values(self, published, today):
        """Create the new values; a value contradicting a recorded one is flagged, never overwritten."""
        self.ensure_one()
        index = self.sudo()
        recorded = {value.date: value.rate for value in index.rate_ids}
        since = today.replace(year=today.year - HISTORY_YEARS, month=1, day=1)
        new, conflicts = rates.plan_recording(recorded, published, since=since)
        if new:
            index.env["collection.reference.rate"].create(
                [{"index_id": index.id, "date": day, "rate": float(value)} for day, value in new]
            )
        flagged = index._collection_flag_conflicts(conflicts)
        parts = [
            _("%(count)s new value(s)", count=len(new)) if new else _("no new value"),
        ]
        if new:
            parts.append(", ".join(f"{format_date(self.env, day)}: {value:g}%" for day, value in new))
        if conflicts:
            parts.append(
                _("%(count)s value(s) contradict the recorded ones and were not changed", count=len(conflicts))
            )
        index.write(
            {
                "rate_update_date": fields.Datetime.now(),
                "rate_update_state": "ok",
                "rate_update_message": "; ".join(parts) + ".",
            }
        )
        if new:
            _logger.info("Reference rates: %s: %s new value(s).", index.code, len(new))
        return flagged

    def _collection_flag_conflicts(self, conflicts):
        """List the contradictions on the index, tell its followers and give the managers an activity."""
        self.ensure_one()
        Conflict = self.env["collection.rate.conflict"].sudo()
        known = {
            (c.date, round(c.published_rate, 4))
            for c in Conflict.search([("index_id", "=", self.id)])  # open or already checked
        }
        fresh = [(day, old, value) for day, old, value in conflicts if (day, round(float(value), 4)) not in known]
        if not fresh:
            return Conflict
        flagged = Conflict.create(
            [
                {"index_id": self.id, "date": day, "recorded_rate": float(old), "published_rate": float(value)}
                for day, old, value in fresh
            ]
        )
        lines = "; ".join(
            _(
                "%(date)s: recorded %(old)s%%, published %(new)s%%",
                date=format_date(self.env, day),
                old=_figure(old),
                new=_figure(Decimal(value)),
            )
            for day, old, value in fresh
        )
        body = _(
            "The publisher's values contradict recorded ones, which were kept: %(lines)s. "
            "Check them and correct the recorded value if it is wrong.",
            lines=lines,
        )
        self.message_post(body=body)
        manager = self._collection_rate_manager()
        if manager:
            self.activity_schedule(
                "mail.mail_activity_data_todo",
                summary=_("Check the reference rate values"),
                note=body,
                user_id=manager.id,
            )
        return flagged

    def _collection_rate_manager(self):
        """The user who checks contradicting values: the company's collections responsible, else a manager."""
        company = self.env.company
        responsible = company.collection_responsible_id if "collection_responsible_id" in company else False
        if responsible and responsible.active and not responsible.share:
            return responsible
        group = self.env.ref("freelance_collections.group_collections_manager", raise_if_not_found=False)
        users = group[compat.GROUP_USERS] if group else self.env["res.users"]
        return users.filtered(lambda user: user.active and not user.share and user.id != 1)[:1]


class CollectionRateConflict(models.Model):
    """A published value that contradicts the recorded one: kept for a manager to check, never applied."""

    _name = "collection.rate.conflict"
    _description = "Collection Reference Rate Conflict"
    _order = "index_id, date desc"
    _rec_name = "date"

    index_id = fields.Many2one("collection.rate.index", required=True, ondelete="cascade", index=True)
    date = fields.Date(required=True, readonly=True)
    recorded_rate = fields.Float(string="Recorded (%)", digits=(16, 4), readonly=True)
    published_rate = fields.Float(string="Published (%)", digits=(16, 4), readonly=True)
    found_date = fields.Datetime(string="Found On", default=fields.Datetime.now, readonly=True)
    state = fields.Selection(
        [("open", "To Check"), ("kept", "Recorded Value Kept")], required=True, default="open", readonly=True
    )

    def action_use_published(self):
        """The manager checked: the published value replaces the recorded one."""
        for conflict in self:
            value = conflict.index_id.rate_ids.filtered(lambda rate, day=conflict.date: rate.date == day)
            if value:
                value.rate = conflict.published_rate
            else:
                self.env["collection.reference.rate"].create(
                    {"index_id": conflict.index_id.id, "date": conflict.date, "rate": conflict.published_rate}
                )
            conflict.index_id.message_post(
                body=_(
                    "%(date)s: the published value %(rate)s%% replaces the recorded one.",
                    date=format_date(self.env, conflict.date),
                    rate=_figure(conflict.published_rate),
                )
            )
        self.unlink()

    def action_keep_recorded(self):
        """The manager checked: the recorded value is right; the same published value is not flagged again."""
        self.write({"state": "kept"})


class CollectionReferenceRate(models.Model):
    """One value of a reference rate index, in force from its date until the next one."""

    _name = "collection.reference.rate"
    _description = "Collection Reference Rate"
    _inherit = ["collection.bounds.mixin"]
    _order = "index_id, date desc"
    _rec_name = "date"

    index_id = fields.Many2one("collection.rate.index", required=True, ondelete="cascade", index=True)
    date = fields.Date(required=True, help="The rate applies from this date on.")
    rate = fields.Float(required=True, digits=(16, 4), string="Rate (%)", help="Annual rate, in percent.")

    compat.add_constraint(
        locals(),
        "index_date_unique",
        "unique(index_id, date)",
        "This index already has a rate on that date; edit it instead of adding another.",
    )

    @api.constrains("rate")
    def _check_rate(self):
        for rate in self:
            if rate.rate < -100 or rate.rate > 100:
                raise ValidationError(
                    _(
                        "The rate of %(index)s on %(date)s is %(rate)s%%; "
                        "enter an annual percentage between -100 and 100.",
                        index=rate.index_id.name,
                        date=rate.date,
                        rate=rate.rate,
                    )
                )

    @api.model
    def load(self, fields, data):
        """Odoo's import, refusing rows without a rate: an empty cell would silently import 0%."""
        if "rate" not in fields:
            return super().load(fields, data)
        column = fields.index("rate")
        date_column = fields.index("date") if "date" in fields else None
        messages = []
        for index, row in enumerate(data):
            if column < len(row) and not str(row[column] or "").strip():
                day = row[date_column] if date_column is not None and date_column < len(row) else ""
                messages.append(
                    {
                        "type": "error",
                        "record": index,
                        "rows": {"from": index, "to": index},
                        "field": "rate",
                        "message": _(
                            "The rate on %(date)s is empty: enter the annual rate in percent "
                            "(0 if it really was 0).",
                            date=day,
                        )
                        if day
                        else _("A row has no rate: enter the annual rate in percent (0 if it really was 0)."),
                    }
                )
        if messages:
            return {"ids": False, "nextrow": 0, "messages": messages}
        return super().load(fields, data)
