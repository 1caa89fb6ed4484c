from . import engine_messages
