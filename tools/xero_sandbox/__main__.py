"""Command line: ``python -m xero_sandbox [--host] [--port] [--demo] [--seed FILE]``."""

import argparse
import json
import sys

from .server import SandboxServer


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="xero_sandbox", description="Run the stateful Xero API emulator."
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8070)
    parser.add_argument("--demo", action="store_true", help="load the demo data set")
    parser.add_argument("--seed", metavar="FILE.json", help="seed data to load")
    parser.add_argument(
        "--rate-limits",
        choices=("starter", "core", "plus", "advanced", "real", "off"),
        default=None,
        help="enforce the limits of a Xero pricing tier ('real' is core; "
        "default: starter with --demo, else off)",
    )
    parser.add_argument("--quiet", action="store_true", help="do not log requests")
    args = parser.parse_args(argv)
    seed = None
    if args.seed:
        with open(args.seed, encoding="utf-8") as handle:
            seed = json.load(handle)
    limits = args.rate_limits or ("starter" if args.demo else "off")
    server = SandboxServer(
        args.host,
        args.port,
        demo=args.demo,
        seed=seed,
        rate_limits=limits,
        verbose=not args.quiet,
    )
    url = server.url
    print(f"Xero sandbox on {url}", file=sys.stderr)
    print(f"  login_url = identity_url = api_url = {url}", file=sys.stderr)
    print(f"  control API: {url}/_sandbox/", file=sys.stderr)
    if args.demo:
        print(
            "  demo logins: demo@example.com / demo, sam@example.com / demo",
            file=sys.stderr,
        )
        print("  demo app: sandbox-client-id / sandbox-client-secret", file=sys.stderr)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.httpd.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
