from . import engine_messages
from . import compat
