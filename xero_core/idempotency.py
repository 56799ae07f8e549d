"""Idempotency-Key values for Xero writes.

A key names one attempt at one change: the same records in the same pending
state with the same body give the same key, so a retry after a lost answer
is replayed by Xero instead of applied twice, while any new change (or a
different body) gets a new key.
"""

import hashlib
import json

MAX_LENGTH = 128  # Xero's limit


def request_key(parts, payload=None):
    digest = hashlib.sha256()
    for part in parts:
        digest.update(str(part).encode())
        digest.update(b"|")
    if payload is not None:
        digest.update(json.dumps(payload, sort_keys=True, default=str).encode())
    return digest.hexdigest()[:64]
