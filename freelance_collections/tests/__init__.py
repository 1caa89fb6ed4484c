from . import test_policy_config
from . import test_invoice_stage
from . import test_partner_collections
from . import test_security
from . import test_collection_run
from . import test_collection_timeline
from . import test_penalty_booking
from . import test_discount_tiers
