from . import test_sale_work_stop
from . import test_sale_deposits
from . import test_sale_payer_score
