from . import collection_dry_run
from . import collection_action_wizard
from . import collection_evidence_pack
from . import collection_statement_wizard
from . import collection_overpayment_approval
from . import collection_run_now
