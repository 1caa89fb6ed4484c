{
    "name": "Freelance Collections - Job Queue",
    "version": "1.0.0",
    "category": "Accounting",
    "summary": "The collections run spread over OCA queue_job's workers: one job per batch of clients, "
    "the same lock, idempotency and retries",
    "author": "Freelance Collections Contributors",
    "website": "https://github.com/freelance-collections/freelance_collections",
    "maintainers": ["freelance-collections"],
    "license": "LGPL-3",
    "development_status": "Beta",
    "depends": ["freelance_collections", "queue_job"],
    "data": [
        "security/ir.model.access.csv",
        "data/queue_job_function_data.xml",
        "views/collection_run_views.xml",
    ],
    "installable": True,
    "auto_install": True,
    "application": False,
}
