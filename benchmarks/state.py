"""What the scenarios of one run share: the sandbox, the registry, the two
organisations and the figures measured so far."""

from dataclasses import dataclass, field

from benchmarks.sandbox import LOGIN_A, LOGIN_B, ORG_A, ORG_B


@dataclass
class Org:
    """A Xero organisation and the Odoo company connected to it."""

    key: str
    tenant: str
    login: str
    seed: int
    company_id: int | None = None
    connection_id: int | None = None
    counts: dict = field(default_factory=dict)  # what the sandbox holds
    phases: dict = field(default_factory=dict)  # first sync: phase -> seconds
    waits: dict = field(default_factory=dict)  # phase -> seconds the client slept


class Bench:
    def __init__(self, options, volumes, sandbox, logs_dir):
        self.options = options
        self.volumes = volumes
        self.sandbox = sandbox
        self.logs_dir = logs_dir
        self.db = options.db  # the database in use (the rate limits use a copy)
        self.reg = None
        self.orgs = {
            # A: limits off, every figure but the rate limits; B: real limits.
            "A": Org("A", ORG_A, LOGIN_A, seed=1),
            "B": Org("B", ORG_B, LOGIN_B, seed=2),
        }
        self.figures = []
        self.profile_dir = options.profile_dir if options.profile else None
        self.details = {}

    def add(self, figure):
        self.figures.append(figure)
        return figure

    def connection(self, env, org):
        return env["xero.connection"].browse(org.connection_id)
