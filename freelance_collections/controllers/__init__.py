from . import payment
from . import balance
from . import portal_autopay
