"""Benchmark of xero_connector against the Xero sandbox: ``scripts/bench``.

Run from the repository root with ``python -m benchmarks.run`` (the script
does that); see ``benchmarks/README.md``.
"""
