{
    "name": "Freelance Collections - Timesheets",
    "version": "1.0.0",
    "category": "Accounting",
    "summary": "Work-stop on projects: banner, and manager-only timesheets "
    "for clients whose overdue invoices stopped work",
    "author": "Freelance Collections Contributors",
    "website": "https://github.com/freelance-collections/freelance_collections",
    "maintainers": ["freelance-collections"],
    "license": "LGPL-3",
    "development_status": "Beta",
    "depends": ["freelance_collections", "hr_timesheet"],
    "data": [
        "views/project_project_views.xml",
    ],
    "installable": True,
    "auto_install": True,
    "application": False,
}
