"""One evaluator process: reads a request on stdin, runs it under its CPU and memory limits, answers on stdout.

Started by `api/engine/evaluator.py` as a fresh interpreter that imports only the sandbox, so its address
space (the memory limit, RLIMIT_AS) holds the script and nothing of the service. Before each request the
CPU limit (RLIMIT_CPU) is moved to the time used so far plus the request's seconds: a script that runs
past it is killed by the kernel (SIGXCPU), whatever it catches and whether or not it is in C code. It
exits when its stdin closes (the service stopped or died).

A frame is a 4-byte big-endian length and a pickle. A request is a dict (mode "eval" or "exec", code,
context, external, cpu_seconds); the answer a tuple: ("ok", value) for an expression, ("ok", context)
for a script, ("error", exception type, message, line), ("rejected", message) or ("memory", message).
"""

import os
import pickle
import resource
import struct
import sys
import traceback
from typing import Any

HEADER = struct.Struct(">I")


def read_exact(fd: int, size: int) -> bytes | None:
    chunks, left = [], size
    while left:
        chunk = os.read(fd, min(left, 1 << 20))
        if not chunk:
            return None
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def read_frame(fd: int) -> bytes | None:
    header = read_exact(fd, HEADER.size)
    if header is None:
        return None
    return read_exact(fd, HEADER.unpack(header)[0])


def write_frame(fd: int, data: bytes) -> None:
    view = memoryview(HEADER.pack(len(data)) + data)
    while view:
        view = view[os.write(fd, view) :]


def _set_cpu_limit(seconds: int) -> None:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    soft = int(usage.ru_utime + usage.ru_stime) + 1 + max(seconds, 1)
    _, hard = resource.getrlimit(resource.RLIMIT_CPU)
    if hard != resource.RLIM_INFINITY:
        soft = min(soft, hard)
    resource.setrlimit(resource.RLIMIT_CPU, (soft, hard))


def _script_line(exc: BaseException) -> int | None:
    line = None
    for frame in traceback.extract_tb(exc.__traceback__):
        if frame.filename in ("<script>", "<expression>"):
            line = frame.lineno
    return line


def _message(exc: BaseException) -> str:
    if isinstance(exc, KeyError) and exc.args:
        return repr(exc.args[0])
    return str(exc)


def serve(request: dict[str, Any]) -> tuple[Any, ...]:
    from api.engine import sandbox

    try:
        context, external = request["context"], request["external"]
        if request["mode"] == "eval":
            return ("ok", sandbox.evaluate(request["code"], context, external))
        sandbox.execute(request["code"], context, external)
        return ("ok", context)
    except MemoryError:
        return ("memory", "the script needed more memory than its limit")
    except sandbox.ScriptRejected as exc:
        return ("rejected", str(exc))
    except BaseException as exc:  # whatever the script raised goes back to the host, named
        return ("error", type(exc).__name__, _message(exc), _script_line(exc))


def _encode(reply: tuple[Any, ...]) -> bytes:
    try:
        return pickle.dumps(reply, protocol=pickle.HIGHEST_PROTOCOL)
    except MemoryError:
        return pickle.dumps(("memory", "the script's result needed more memory than its limit"))
    except BaseException as exc:  # an unpicklable result (a class the script made, a generator)
        return pickle.dumps(("error", "TypeError", f"a value the script made cannot be kept: {exc}", None))


def main() -> None:
    memory_bytes = int(sys.argv[1])
    out = os.dup(1)
    os.dup2(2, 1)  # nothing but answers on the answer pipe
    from api.engine import sandbox  # noqa: F401 - imported before the memory limit, once

    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    if memory_bytes > 0:
        resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    while True:
        frame = read_frame(0)
        if frame is None:
            return
        request = pickle.loads(frame)
        _set_cpu_limit(int(request["cpu_seconds"]))
        reply = serve(request)
        del request, frame
        write_frame(out, _encode(reply))
        if reply[0] == "memory":
            return  # a process that hit its memory limit is not reused
