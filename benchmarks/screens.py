"""The hall's big screens while the delegates cast: how far behind the true count they fall.

Each screen asks the ballot's screen.json as static/js/screen.js does (every POLL_MS, as a
visitor, so through the page cache, which every cast invalidates) and keeps what it showed
and when. A screen's number stands until its next answer replaces it, so its lag at that
moment is the age of the oldest cast it did not show yet: the figure is the largest such age
over every screen and every answer, with the 99th percentile.
"""

from __future__ import annotations

import bisect
import json
import random
import threading
import time
import urllib.request

from app.ballots.screen import POLL_MS


class Screens:
    def __init__(self, base: str, ballot_id: int, count: int):
        self.url = f"{base}/ballots/{ballot_id}/screen.json"
        self.count, self.every = count, POLL_MS / 1000
        self.stop = threading.Event()
        self.answers: list[list[tuple[float, int]]] = [[] for _ in range(count)]
        self.errors = 0
        self.lock = threading.Lock()
        self.threads = [threading.Thread(target=self._follow, args=(i,), daemon=True)
                        for i in range(count)]

    def start(self) -> None:
        for thread in self.threads:
            thread.start()

    def _follow(self, i: int) -> None:
        time.sleep(random.random() * self.every)  # screens switched on at different moments
        while not self.stop.is_set():
            asked = time.monotonic()
            try:
                with urllib.request.urlopen(self.url, timeout=10) as answer:  # noqa: S310
                    shown = json.loads(answer.read())["cast"]
                self.answers[i].append((time.monotonic(), int(shown)))
            except (OSError, ValueError, KeyError):
                with self.lock:
                    self.errors += 1
            self.stop.wait(max(0.0, self.every - (time.monotonic() - asked)))

    def finish(self, cast_at: list[float]) -> dict:
        """Stop, and measure against the moments (time.monotonic) each cast was answered."""
        self.stop.set()
        for thread in self.threads:
            if thread.ident is not None:  # started
                thread.join(timeout=15)
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
