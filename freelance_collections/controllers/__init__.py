from . import payment
from . import balance
from . import retainer
from . import portal_autopay
