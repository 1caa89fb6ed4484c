"""Sales side of the collections work-stop.

A quotation shows whether its client's work is stopped (``collection_work_stop``, read from the
commercial partner), and confirming one for a stopped client is refused unless the user is a
collections manager; a manager's confirmation is logged in the order's chatter.
"""

from . import sale_order
