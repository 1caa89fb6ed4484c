from . import test_sale_work_stop
