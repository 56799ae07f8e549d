"""Wall time, SQL queries and memory of a piece of work."""

import os
import resource
import threading
import time
from contextlib import contextmanager

import psutil

from benchmarks.odoo_env import sql_queries

MB = 1024 * 1024


class Measurement:
    seconds = 0.0
    queries = 0

    def as_dict(self):
        return {"seconds": round(self.seconds, 3), "queries": self.queries}


@contextmanager
def measured():
    """``with measured() as m: ...`` then ``m.seconds``, ``m.queries``."""
    result = Measurement()
    queries = sql_queries()
    start = time.perf_counter()
    try:
        yield result
    finally:
        result.seconds = time.perf_counter() - start
        result.queries = sql_queries() - queries


class SleepMeter:
    """A ``sleep`` for the Xero client that adds up the time it waits (its
    own limiter, Retry-After, retry back-off)."""

    def __init__(self):
        self.seconds = 0.0
        self.waits = 0

    def __call__(self, seconds):
        self.waits += 1
        self.seconds += max(0.0, seconds)
        time.sleep(seconds)


class RssSampler:
    """Peak resident memory of this process, sampled in a thread (the
    kernel's own high-water mark, ``ru_maxrss``, is read as well)."""

    def __init__(self, interval=0.02):
        self.interval = interval
        self.process = psutil.Process()
        self.peak = self.start_rss = self.process.memory_info().rss
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="rss-sampler", daemon=True)

    def _run(self):
        while not self._stop.is_set():
            self.peak = max(self.peak, self.process.memory_info().rss)
            self._stop.wait(self.interval)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self.process.memory_info().rss)


def peak_rss_bytes():
    """Peak resident set of this process image (VmHWM). ``ru_maxrss`` is
    only the fallback: Linux carries it over ``exec`` from the parent, so
    in a child process it may be the parent's peak."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def reset_peak_rss():
    """Start the peak over from the current RSS (Linux >= 4.0); False when
    the kernel does not allow it."""
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as clear_refs:
            clear_refs.write("5")
        return True
    except OSError:
        return False


@contextmanager
def profiled(directory, name):
    """With ``--profile``: a pyinstrument profile of the block, written to
    ``directory/name.txt`` (sampling adds a little to the times)."""
    if not directory:
        yield None
        return
    from pyinstrument import Profiler  # noqa: PLC0415 - optional

    profiler = Profiler(interval=0.005)
    profiler.start()
    try:
        yield profiler
    finally:
        profiler.stop()
        os.makedirs(directory, exist_ok=True)
        with open(os.path.join(directory, f"{name}.txt"), "w", encoding="utf-8") as out:
            out.write(profiler.output_text(unicode=True, color=False))
