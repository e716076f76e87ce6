"""Memory under sustained load: the cycle collector must keep running while requests overlap.

bench/load.py measures the server's RSS over 100,000 requests (target: under 10% growth). This is its
fast in-process stand-in: while eight threads answer programs back to back, reference cycles made
elsewhere in the process must still be collected, or garbage piles up for as long as the load lasts.
"""

from __future__ import annotations

import gc
import threading
import time
import weakref

from app.serialize import graph_json


class _Cycle:
    def __init__(self):
        self.me = self


def test_cyclic_garbage_is_collected_while_requests_overlap(lecture):
    assert gc.isenabled()
    stop = threading.Event()

    def answer_programs():
        while not stop.is_set():
            graph_json(lecture.source)

    threads = [threading.Thread(target=answer_programs) for _ in range(8)]
    for thread in threads:
        thread.start()
    try:
        time.sleep(0.2)
        refs = []
        # A fixed number of rounds, not a time budget: on a busy machine a time budget gives too few
        # rounds for the collector to have had its turn. Each round's 500 cycles (1,000 objects) are
        # unreachable at once, yet only the collector can free them; the youngest generation's
        # threshold (the app's 10,000 at most) is passed at least every ten rounds.
        rounds = 120
        for _ in range(rounds):
            refs.append(weakref.ref(_Cycle()))
            for _ in range(499):
                _Cycle()
            time.sleep(0.001)
        recent = max(20, 2 * gc.get_threshold()[0] // 1000)  # rounds the collector may not have seen
        alive = sum(ref() is not None for ref in refs[:-recent])
    finally:
        stop.set()
        for thread in threads:
            thread.join()
    # With the collector running, the older cycles are gone; paused, they all pile up.
    checked = len(refs) - recent
    assert alive < checked // 2, f"{alive} of {checked} cycles still alive under load"
