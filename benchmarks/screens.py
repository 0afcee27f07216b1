"""The hall's big screens while the delegates cast: how far behind the true count they fall.

Each screen asks the ballot's screen.json as static/js/screen.js does: every POLL_MS, as a
visitor, so through the page cache (which keeps the feed half a second at most), from a
process of their own, so the casting clients' threads do not wait on the screens' GIL. A
screen's number stands until its next answer replaces it, so its lag at that moment is the
age of the oldest cast it did not show yet: the figure is the largest such age over every
screen and every answer, with the 99th percentile.
"""

from __future__ import annotations

import bisect
import json
import multiprocessing
import random
import threading
import time
import urllib.request

from app.ballots.screen import POLL_MS


def _follow_all(url: str, count: int, every: float, stop, out) -> None:
    """In a process of its own (the screens must not share the casting clients' GIL):
    `count` screens asking until `stop` is set; what each showed and when goes to `out`."""
    answers: list[list[tuple[float, int]]] = [[] for _ in range(count)]
    errors = [0]
    lock = threading.Lock()

    def follow(i: int) -> None:
        time.sleep(random.random() * every)  # screens switched on at different moments
        while not stop.is_set():
            asked = time.monotonic()
            try:
                with urllib.request.urlopen(url, timeout=10) as answer:  # noqa: S310
                    shown = json.loads(answer.read())["cast"]
                answers[i].append((time.monotonic(), int(shown)))
            except (OSError, ValueError, KeyError):
                with lock:
                    errors[0] += 1
            stop.wait(max(0.0, every - (time.monotonic() - asked)))

    threads = [threading.Thread(target=follow, args=(i,), daemon=True) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    out.put((answers, errors[0]))


class Screens:
    def __init__(self, base: str, ballot_id: int, count: int):
        self.url = f"{base}/ballots/{ballot_id}/screen.json"
        self.count, self.every = count, POLL_MS / 1000
        self.answers: list[list[tuple[float, int]]] = [[] for _ in range(count)]
        self.errors = 0
        context = multiprocessing.get_context("fork")
        self.stop, self.out = context.Event(), context.Queue()
        self.process = context.Process(
            target=_follow_all, args=(self.url, count, self.every, self.stop, self.out),
            daemon=True)

    def start(self) -> None:
        self.process.start()

    def finish(self, cast_at: list[float]) -> dict:
        """Stop, and measure against the moments (time.monotonic) each cast was answered."""
        self.stop.set()
        if self.process.pid is not None:  # started: time.monotonic is the same clock there
            self.answers, self.errors = self.out.get(timeout=60)
            self.process.join(timeout=15)
        done = sorted(cast_at)
        lags = []
        for answers in self.answers:
            for (_, shown), (replaced, _) in zip(answers, answers[1:], strict=False):
                # The oldest cast this answer did not show, if it was in before the next one.
                if shown < len(done) and done[shown] < replaced:
                    lags.append(replaced - done[shown])
                else:
                    lags.append(0.0)
        lags.sort()
        polls = sum(len(a) for a in self.answers)
        late = lags[min(len(lags) - 1, int(len(lags) * 0.99))] if lags else 0.0
        # A count a screen showed that is more than the casts answered by then would be a bug.
        ahead = sum(1 for answers in self.answers for (at, shown) in answers
                    if shown > bisect.bisect_right(done, at) + 32)
        return {"screens": self.count, "polls": polls, "errors": self.errors,
                "lag_p99_s": round(late, 2), "lag_max_s": round(lags[-1] if lags else 0.0, 2),
                "every_s": self.every, "ahead": ahead}
