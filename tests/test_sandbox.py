"""The script sandbox BPMN conditions and scripts run in: escapes are rejected, loops are stopped."""

import pytest

from api.engine.evaluator import EvaluatorPool, Limits
from api.engine.sandbox import ScriptRejected, ScriptTimeout, check_syntax
from api.engine.script_engine import RestrictedEnvironment


@pytest.fixture
def env() -> RestrictedEnvironment:
    return RestrictedEnvironment()


def test_the_subclasses_escape_is_rejected_at_compile_time(env: RestrictedEnvironment) -> None:
    with pytest.raises(ScriptRejected, match="__subclasses__"):
        env.evaluate("().__class__.__base__.__subclasses__()", {})
    with pytest.raises(ScriptRejected, match="__class__"):
        env.execute("x = ().__class__.__base__.__subclasses__()", {})
    assert check_syntax("().__class__.__base__.__subclasses__()", "eval") is not None


def test_importing_a_module_is_refused(env: RestrictedEnvironment) -> None:
    with pytest.raises(ScriptRejected, match="__import__"):
        env.evaluate("__import__('os')", {})
    with pytest.raises(Exception) as excinfo:
        env.execute("import os\nx = os.getcwd()", {})
    assert isinstance(excinfo.value, ScriptRejected | ImportError), excinfo.value


def test_str_format_cannot_reach_dunder_attributes(env: RestrictedEnvironment) -> None:
    with pytest.raises(NotImplementedError):
        env.evaluate("'{0.__class__}'.format(1)", {})


def test_an_infinite_loop_is_stopped_by_its_cpu_time_limit() -> None:
    # A wall-clock limit far beyond the CPU limit: however loaded the machine, only the CPU limit can stop it.
    pool = EvaluatorPool(Limits(processes=1, cpu_seconds=1, wall_seconds=3600.0))
    try:
        with pytest.raises(ScriptTimeout, match="CPU time"):
            RestrictedEnvironment(pool).execute("n = 0\nwhile True:\n    n = n + 1", {})
    finally:
        pool.stop()


def test_a_long_generator_in_a_condition_is_stopped_with_script_timeout(env: RestrictedEnvironment) -> None:
    with pytest.raises(ScriptTimeout):
        env.evaluate("any(a < 0 for a in range(999) for b in range(999) for c in range(999))", {})


def test_ordinary_scripts_and_expressions_work(env: RestrictedEnvironment) -> None:
    context = {"hasil": [{"username": "peserta", "k": True}, {"username": "peserta3", "k": False}]}
    script = "\n".join(
        [
            "kompeten = [h['username'] for h in hasil if h['k']]",
            "semua = all(h['k'] for h in hasil)",
            "ringkasan = {}",
            "ringkasan['jumlah'] = len(hasil)",
            "total = 0",
            "for h in hasil:",
            "    total += 1",
        ]
    )
    assert env.execute(script, context) is True
    assert context["kompeten"] == ["peserta"]
    assert context["semua"] is False
    assert context["ringkasan"] == {"jumlah": 2}
    assert context["total"] == 2
    assert env.evaluate("sorted({h['username'] for h in hasil})[0]", context) == "peserta"
    assert env.evaluate("any(h['k'] for h in hasil) and max(1, 2) == 2", context) is True


def test_a_script_sees_no_leftover_names_and_a_deleted_variable_leaves_the_context(env: RestrictedEnvironment) -> None:
    context = {"a": 1, "b": 2}
    env.execute("c = a + b\ndel b", context)
    assert context == {"a": 1, "c": 3}
    assert "_getattr_" not in context and "__builtins__" not in context
