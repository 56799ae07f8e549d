"""A stateful emulator of the Xero API (OAuth 2.0, Connections, Accounting) for tests.

``python -m xero_sandbox --demo`` or ``SandboxServer(port=0, demo=True).start()``.
"""

from .server import SandboxServer

__all__ = ["SandboxServer"]
__version__ = "1.0.0"
