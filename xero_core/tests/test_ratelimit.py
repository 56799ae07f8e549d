from xero_core.ratelimit import MinuteLimiter


class FakeClock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.now += seconds


def test_never_more_than_the_limit_in_any_minute():
    clock = FakeClock()
    limiter = MinuteLimiter(per_minute=60, clock=clock)
    stamps = []
    for _ in range(150):
        limiter.acquire(clock.sleep)
        stamps.append(clock.now)
    for i, stamp in enumerate(stamps):
        assert sum(1 for s in stamps[i:] if s - stamp < 60) <= 60
    # 150 calls at 60/min need just over two minutes, not more.
    assert 120 <= stamps[-1] - stamps[0] < 121


def test_server_saying_zero_left_makes_it_wait():
    clock = FakeClock()
    limiter = MinuteLimiter(per_minute=60, clock=clock)
    limiter.acquire(clock.sleep)
    clock.now += 10
    limiter.observe_remaining(0)
    limiter.acquire(clock.sleep)
    assert clock.now >= 1060


def test_shared_is_per_key_and_can_be_disabled():
    assert MinuteLimiter.shared("t1", 60) is MinuteLimiter.shared("t1", 60)
    assert MinuteLimiter.shared("t1", 60) is not MinuteLimiter.shared("t2", 60)
    assert MinuteLimiter.shared("t1", 0) is None
