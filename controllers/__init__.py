from . import access_log
from . import main
