"""Sales side of the collections addon.

Work-stop: a quotation shows whether its client's work is stopped (``collection_work_stop``, read
from the commercial partner), and confirming one for a stopped client is refused unless the user is
a collections manager; a manager's confirmation is logged in the order's chatter.

Deposits: a quotation carries a deposit schedule (from the client's or the company's policy), its
installments are invoiced as down payments, and the final invoice waits for them to be paid.
"""

from . import collection_policy
from . import collection_deposit_template
from . import account_move
from . import sale_make_invoice_advance
from . import sale_order
from . import sale_order_deposit
from . import sale_order_score
