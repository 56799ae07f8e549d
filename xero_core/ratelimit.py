"""Stay under Xero's per-organisation call limit instead of running into it.

Xero allows 60 calls per minute per organisation in fixed windows. A sliding
window of the same size never exceeds any fixed window, so keeping at most
``per_minute`` calls in the last 60 seconds avoids 429s from this process.
When Xero says no call is left this minute (another process used them), the
limiter waits for its oldest call to leave the window.
"""

import threading
import time
from collections import deque

WINDOW = 60.0


class MinuteLimiter:
    _shared = {}
    _shared_lock = threading.Lock()
    default_per_minute = 60

    def __init__(self, per_minute=60, clock=time.monotonic):
        self.per_minute = per_minute
        self.clock = clock
        self.calls = deque()
        self.lock = threading.Lock()
        self.exhausted = False

    @classmethod
    def shared(cls, key, per_minute=None):
        """One limiter per organisation and process; None when disabled."""
        per_minute = cls.default_per_minute if per_minute is None else per_minute
        if not per_minute or not key:
            return None
        with cls._shared_lock:
            limiter = cls._shared.get(key)
            if limiter is None or limiter.per_minute != per_minute:
                limiter = cls._shared[key] = cls(per_minute)
            return limiter

    def _wait_time(self, now):
        while self.calls and now - self.calls[0] >= WINDOW:
            self.calls.popleft()
        if self.exhausted and self.calls:
            return WINDOW - (now - self.calls[0])
        if len(self.calls) >= self.per_minute:
            return WINDOW - (now - self.calls[0])
        return 0.0

    def acquire(self, sleep=time.sleep):
        while True:
            with self.lock:
                now = self.clock()
                wait = self._wait_time(now)
                if wait <= 0:
                    self.exhausted = False
                    self.calls.append(now)
                    return
                if self.exhausted and wait > 0:
                    # Reset once we have waited out our oldest call.
                    self.exhausted = False
            sleep(wait)

    def observe_remaining(self, remaining):
        if remaining <= 0:
            with self.lock:
                self.exhausted = True
