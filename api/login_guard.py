"""Brute-force protection for logging in: failures counted per account and per client (IP address), with
backoff, and a bound on how many password hashes run at once.

- A key (an account name as typed, or a client address) may fail `free` times; then it waits `backoff`
  seconds, doubled by every further failure (`backoff * 2**(failures - free)`, capped at `backoff_max`),
  before its next attempt is even hashed: the wait is answered 429 with `Retry-After`. Unknown and
  existing account names are counted alike, so the answers tell nothing about which accounts exist. A
  success clears the account's count (not the client's: one's own password must not buy more guesses at
  others'); a key quiet for `backoff_max` seconds is forgotten.
- Time is the app's injectable clock (`api.clock`), so tests move it instead of sleeping.
- Counters live in this process's memory (one `serve` process, the default): simple and free of database
  writes on the unauthenticated path. With several `serve` processes behind a balancer each counts on its
  own, so an attacker gets at most (processes x) the budget; put a rate limit in the proxy for more.
- `hashing()` admits at most `concurrency` logins into argon2 at once; the rest are refused at once (503
  with `Retry-After: 1`) instead of queueing on the server's threads, so a flood cannot take them all.
"""

import math
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

# Past this many keys, forgotten ones are swept before a new key is added (bounds memory under a flood).
MAX_KEYS = 100_000


# Keys are bounded: a megabyte of username must not become a megabyte of memory per failure.
_KEY_CHARS = 128


def login_keys(client_host: str | None, username: str) -> dict[str, str]:
    """The keys a login attempt is counted under: the account and the client (for the API and the pages)."""
    return {"account": username.strip().lower()[:_KEY_CHARS], "client": client_host or "unknown"}


class LoginBusy(Exception):
    """Every hashing slot is taken."""


@dataclass
class _Failures:
    count: int
    last: datetime


class LoginGuard:
    def __init__(
        self,
        *,
        free_account: int,
        free_client: int,
        backoff: float,
        backoff_max: float,
        concurrency: int,
    ) -> None:
        self.free = {"account": free_account, "client": free_client}
        self.backoff, self.backoff_max = backoff, backoff_max
        self.concurrency = concurrency
        self._failures: dict[tuple[str, str], _Failures] = {}
        self._lock = threading.Lock()
        self._hashing = 0

    def _wait(self, kind: str, f: _Failures) -> float:
        extra = f.count - self.free[kind]
        if extra < 0:
            return 0.0
        return min(self.backoff * 2 ** min(extra, 60), self.backoff_max)

    def retry_after(self, keys: dict[str, str], now: datetime) -> int:
        """Seconds until these keys (`{"account": name, "client": address}`) may try again; 0 when now."""
        wait = 0.0
        with self._lock:
            for kind, value in keys.items():
                f = self._failures.get((kind, value))
                if f is None:
                    continue
                if (now - f.last).total_seconds() > self.backoff_max:
                    del self._failures[(kind, value)]
                    continue
                wait = max(wait, self._wait(kind, f) - (now - f.last).total_seconds())
        return math.ceil(wait) if wait > 0 else 0

    def failed(self, keys: dict[str, str], now: datetime) -> None:
        with self._lock:
            if len(self._failures) >= MAX_KEYS:
                self._sweep(now)
            for kind, value in keys.items():
                f = self._failures.get((kind, value))
                if f is None or (now - f.last).total_seconds() > self.backoff_max:
                    self._failures[(kind, value)] = _Failures(1, now)
                else:
                    f.count, f.last = f.count + 1, now

    def succeeded(self, account: str) -> None:
        with self._lock:
            self._failures.pop(("account", account), None)

    def _sweep(self, now: datetime) -> None:
        stale = [k for k, f in self._failures.items() if (now - f.last).total_seconds() > self.backoff_max]
        for k in stale:
            del self._failures[k]
        if len(self._failures) >= MAX_KEYS:  # all fresh: drop the oldest half rather than grow without bound
            for k, _ in sorted(self._failures.items(), key=lambda kv: kv[1].last)[: MAX_KEYS // 2]:
                del self._failures[k]

    @contextmanager
    def hashing(self) -> Iterator[None]:
        """A slot to hash a password in; `LoginBusy` at once when all are taken."""
        with self._lock:
            if self._hashing >= self.concurrency:
                raise LoginBusy
            self._hashing += 1
        try:
            yield
        finally:
            with self._lock:
                self._hashing -= 1
