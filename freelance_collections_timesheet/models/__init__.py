"""Timesheet side of the collections work-stop.

A project shows whether its customer's work is stopped (``collection_work_stop``, read from the
commercial partner), and logging time on such a project is refused unless the user is a
collections manager; a manager's timesheets are logged in the project's chatter.
"""

from . import project_project
from . import account_analytic_line
