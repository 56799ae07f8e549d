from . import access_log
from . import main
from . import client_secret
from . import webhook
