"""A warm pool of evaluator processes: scripts and costly expressions run there, under hard limits.

Each evaluator is a fresh Python interpreter (`api/engine/evaluator_child.py`) with a memory limit
(RLIMIT_AS) and, per request, a CPU-time limit (RLIMIT_CPU) that the kernel enforces: no `except`, no C
loop and no big-integer power escapes them. The host also waits with a wall-clock deadline and kills
an evaluator that passes it. A killed or dead evaluator is replaced on the next request.

Data goes in pickled (the task's data, the external names such as `batas_langkah` as data) and comes
back pickled; the host unpickles an answer with an allow-list of plain types, so even an evaluator
taken over by its script can hand back nothing but data. An answer larger than the state cap is not
read at all.
"""

import atexit
import builtins
import io
import logging
import os
import pickle
import select
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from api.engine.evaluator_child import HEADER
from api.engine.sandbox import ScriptMemoryExceeded, ScriptRejected, ScriptTimeout
from api.settings import Settings, get_settings

log = logging.getLogger(__name__)
ROOT = Path(__file__).resolve().parent.parent.parent
BOOT = f"import sys; sys.path.insert(0, {str(ROOT)!r}); from api.engine.evaluator_child import main; main()"
ALLOWED_GLOBALS = {
    ("datetime", "date"),
    ("datetime", "datetime"),
    ("datetime", "time"),
    ("datetime", "timedelta"),
    ("datetime", "timezone"),
    ("decimal", "Decimal"),
    ("collections", "OrderedDict"),
    ("builtins", "set"),
    ("builtins", "frozenset"),
    ("builtins", "complex"),
    ("builtins", "bytearray"),
}


@dataclass(frozen=True)
class Limits:
    processes: int = 2
    cpu_seconds: int = 2
    wall_seconds: float = 10.0
    memory_bytes: int = 256 * 1024 * 1024
    max_answer_bytes: int = 64 * 1024 * 1024

    @classmethod
    def from_settings(cls, settings: Settings) -> "Limits":
        return cls(
            processes=max(1, settings.script_processes),
            cpu_seconds=max(1, settings.script_cpu_seconds),
            wall_seconds=settings.script_wall_seconds,
            memory_bytes=settings.script_memory_mb * 1024 * 1024,
            max_answer_bytes=settings.max_state_bytes,
        )


class ScriptFailed(Exception):
    """What a script raised, when it is not a built-in exception the host can raise as itself."""


class _DataOnly(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        if (module, name) in ALLOWED_GLOBALS:
            return super().find_class(module, name)
        raise ScriptFailed(f"a value of type {module}.{name} cannot leave a script")


class _Died(Exception):
    pass


class _Evaluator:
    def __init__(self, memory_bytes: int) -> None:
        self.memory_bytes = memory_bytes
        self.proc = subprocess.Popen(
            [sys.executable, "-I", "-c", BOOT, str(memory_bytes)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            close_fds=True,
            start_new_session=True,  # a Ctrl-C to the service is the service's, not the evaluators'
        )
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.stdin, self.stdout = self.proc.stdin.fileno(), self.proc.stdout.fileno()

    def alive(self) -> bool:
        return self.proc.poll() is None

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        for pipe in (self.proc.stdin, self.proc.stdout):
            if pipe is not None:
                pipe.close()

    def _read(self, size: int, deadline: float) -> bytes:
        chunks, left = [], size
        while left:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not select.select([self.stdout], [], [], remaining)[0]:
                raise TimeoutError
            chunk = os.read(self.stdout, min(left, 1 << 20))
            if not chunk:
                raise _Died
            chunks.append(chunk)
            left -= len(chunk)
        return b"".join(chunks)

    def call(self, request: bytes, deadline: float, max_answer: int) -> bytes:
        try:
            view = memoryview(HEADER.pack(len(request)) + request)
            while view:
                view = view[os.write(self.stdin, view) :]
        except BrokenPipeError:
            raise _Died from None
        size = HEADER.unpack(self._read(HEADER.size, deadline))[0]
        if size > max_answer:
            raise ScriptMemoryExceeded(
                f"the script's data would be {size:,} bytes, over the limit of {max_answer:,} (UJIKOM_MAX_STATE_BYTES)"
            )
        return self._read(size, deadline)


class EvaluatorPool:
    """The evaluators of this service process: at most `limits.processes`, started on demand, kept warm."""

    def __init__(self, limits: Limits | None = None) -> None:
        self._limits = limits
        self._idle: list[_Evaluator] = []
        self._count = 0
        self._cond = threading.Condition()

    @property
    def limits(self) -> Limits:
        if self._limits is None:
            self._limits = Limits.from_settings(get_settings())
        return self._limits

    @property
    def busy(self) -> int:
        """Evaluators running a script now."""
        with self._cond:
            return self._count - len(self._idle)

    def configure(self, limits: Limits) -> None:
        """Use these limits from now on (processes started with other memory limits are replaced)."""
        with self._cond:
            self._limits = limits
        if any(e.memory_bytes != limits.memory_bytes for e in list(self._idle)):
            self.stop()

    def warm(self) -> None:
        """Start the evaluators now, so the first script of a request does not wait for one."""
        limits = self.limits
        with self._cond:
            while self._count < limits.processes:
                self._idle.append(_Evaluator(limits.memory_bytes))
                self._count += 1

    def stop(self) -> None:
        with self._cond:
            idle, self._idle = self._idle, []
            self._count -= len(idle)
        for evaluator in idle:
            evaluator.kill()

    def _checkout(self, deadline: float) -> _Evaluator:
        limits = self.limits
        with self._cond:
            while True:
                while self._idle:
                    evaluator = self._idle.pop()
                    if evaluator.alive():
                        return evaluator
                    evaluator.kill()
                    self._count -= 1
                if self._count < limits.processes:
                    self._count += 1
                    break
                if not self._cond.wait(timeout=max(0.0, deadline - time.monotonic())):
                    raise ScriptTimeout(f"no script evaluator became free within {limits.wall_seconds:g} s")
        try:
            return _Evaluator(limits.memory_bytes)
        except BaseException:
            with self._cond:
                self._count -= 1
                self._cond.notify()
            raise

    def _checkin(self, evaluator: _Evaluator | None) -> None:
        with self._cond:
            if evaluator is not None and evaluator.alive():
                self._idle.append(evaluator)
            else:
                self._count -= 1
            self._cond.notify()

    def run(self, mode: str, code: str, context: dict[str, Any], external: dict[str, Any], seconds: float) -> Any:
        """Run one expression ("eval") or script ("exec") in an evaluator; `seconds` of wall clock at most."""
        limits = self.limits
        seconds = min(seconds, limits.wall_seconds)
        if seconds <= 0:
            raise ScriptTimeout(f"the scripts of this request used up their {limits.wall_seconds:g} s")
        request = pickle.dumps(
            {"mode": mode, "code": code, "context": context, "external": external, "cpu_seconds": limits.cpu_seconds},
            protocol=pickle.HIGHEST_PROTOCOL,
        )
        deadline = time.monotonic() + seconds
        evaluator: _Evaluator | None = self._checkout(deadline)
        assert evaluator is not None
        try:
            answer = evaluator.call(request, deadline, limits.max_answer_bytes)
        except TimeoutError:
            evaluator.kill()
            evaluator = None
            raise ScriptTimeout(f"the script ran longer than {seconds:g} s and was stopped") from None
        except _Died:
            code_ = evaluator.proc.wait()
            evaluator.kill()
            evaluator = None
            if code_ == -signal.SIGXCPU:
                raise ScriptTimeout(
                    f"the script used more than {limits.cpu_seconds} s of CPU time and was stopped"
                ) from None
            log.error("a script evaluator process ended with exit code %s (see its output above)", code_)
            raise ScriptMemoryExceeded(f"the script's evaluator process ended (exit code {code_})") from None
        except ScriptMemoryExceeded:
            evaluator.kill()
            evaluator = None
            raise
        finally:
            self._checkin(evaluator)
        return _decode(answer, limits)


def _decode(answer: bytes, limits: Limits) -> Any:
    reply = _DataOnly(io.BytesIO(answer)).load()
    kind = reply[0]
    if kind == "ok":
        return reply[1]
    if kind == "rejected":
        raise ScriptRejected(reply[1])
    if kind == "memory":
        raise ScriptMemoryExceeded(f"{reply[1]} ({limits.memory_bytes // (1024 * 1024)} MB)")
    _, name, message, line = reply
    where = f" (line {line})" if line else ""
    exc_type = getattr(builtins, name, None)
    exc: Exception = ScriptFailed(f"{name}: {message}{where}")
    if isinstance(exc_type, type) and issubclass(exc_type, Exception):
        try:  # raised as itself (a script's KeyError is a KeyError), when it takes a message
            exc = exc_type(f"{message}{where}")
        except TypeError:
            pass
    raise exc


POOL = EvaluatorPool()
atexit.register(POOL.stop)
