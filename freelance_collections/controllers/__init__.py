from . import payment
from . import balance
