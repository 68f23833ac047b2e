"""What the WSGI and the ASGI middleware are both made of, made the same way from their
options: the configuration, the redactor, the request selector, the one-profiler gate, the
sampler (engine "sample" only) and the profile writer (none when the middleware is disabled)."""

from typing import Any, Dict, Optional

from .config import Config
from .recording import GATE, ProfilingGate
from .redact import Redactor
from .sampling import Sampler, shared_sampler
from .selection import RequestSelector
from .writer import ProfileWriter


class MiddlewareParts:
    def __init__(self, profile_dir: str, options: Dict[str, Any]) -> None:
        options["profile_dir"] = profile_dir
        self.config = Config.from_options(options)
        self.redactor = Redactor(self.config.redact, self.config.redact_names)
        self.selector = RequestSelector(self.config)
        self.gate: ProfilingGate = GATE
        self.sampler: Optional[Sampler] = shared_sampler(self.config.sample_interval_ms / 1000.0) if self.config.engine == "sample" else None
        self.writer: Optional[ProfileWriter] = ProfileWriter(self.config, self.redactor, self.gate) if self.config.enabled else None
