from . import test_timesheet_work_stop
