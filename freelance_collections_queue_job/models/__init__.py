from . import collection_run
from . import collection_run_batch
