# Odoo runs the test modules this package imports: every test_*.py here, so a new
# file is never forgotten (and parallel work adds no lines to merge).
import importlib
import pkgutil

for _module in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
    if _module.name.startswith("test_"):
        importlib.import_module(f"{__name__}.{_module.name}")
