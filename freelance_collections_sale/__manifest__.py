{
    "name": "Freelance Collections - Sales",
    "version": "1.1.0",
    "category": "Accounting",
    "summary": "Work-stop on quotations: banner, filter, and manager-only confirmation "
    "for clients whose overdue invoices stopped work; deposit schedules invoiced as down payments, "
    "final invoice once they are paid",
    "author": "Freelance Collections Contributors",
    "website": "https://github.com/freelance-collections/freelance_collections",
    "maintainers": ["freelance-collections"],
    "license": "LGPL-3",
    "development_status": "Beta",
    "depends": ["freelance_collections", "sale"],
    "data": [
        "security/ir.model.access.csv",
        "views/sale_order_views.xml",
        "views/sale_order_score_views.xml",
    ],
    "installable": True,
    "auto_install": True,
    "application": False,
}
