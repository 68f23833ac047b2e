"""Which requests get profiled: ignored paths never, then one in `sample_every`."""

import itertools
import threading

from .config import Config


class RequestSelector:
    def __init__(self, config: Config) -> None:
        self.config = config
        self._seen = itertools.count()
        self._lock = threading.Lock()

    def wants(self, path: str) -> bool:
        if self.config.is_ignored(path):
            return False
        if self.config.sample_every == 1:
            return True
        with self._lock:
            n = next(self._seen)
        return n % self.config.sample_every == 0
