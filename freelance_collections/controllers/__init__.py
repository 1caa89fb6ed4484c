from . import payment
from . import balance
from . import retainer
