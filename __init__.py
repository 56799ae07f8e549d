# Odoo imports addons as ``odoo.addons.<name>``. Tools that import this
# directory as a plain package (pytest collecting the Odoo-free xero_core
# tests) only need the package to exist, not its Odoo parts.
if __name__.startswith("odoo.addons."):
    from . import controllers
    from . import models
    from . import wizards
