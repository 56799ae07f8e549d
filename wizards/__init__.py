from . import xero_link_score_wizard
from . import xero_client_link_wizard
from . import xero_client_import_wizard
