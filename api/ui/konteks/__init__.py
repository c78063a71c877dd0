"""What a task page shows beside its form: the context a person needs to decide (the candidate's evidence
beside the verdicts, the self-assessment beside FR.AK.02, ...).

One registry: a module of this package registers a builder for the form files it knows with `@konteks(...)`;
its template is `templates/konteks/<name>.html`. Every module here is imported once, so adding a context is
adding a module and a template. A builder reads through services, never decides anything: the rules stay in
the services and validators.
"""

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from api.auth import CurrentUser
from api.store.db import Database

# (db, user, task) -> the template's values; `task` is the task's detail as GET /api/tasks/{id} serves it.
Builder = Callable[[Database, CurrentUser, Any], dict[str, Any]]


@dataclass(frozen=True)
class Konteks:
    template: str
    build: Builder


_REGISTRY: dict[str, Konteks] = {}


def konteks(*forms: str, template: str) -> Callable[[Builder], Builder]:
    """Register `build` as the context of the tasks whose form file is one of `forms` (e.g.
    'memeriksa_berkas.json')."""

    def register(build: Builder) -> Builder:
        for form in forms:
            if form in _REGISTRY:
                raise ValueError(f"two contexts for {form}")
            _REGISTRY[form] = Konteks(f"konteks/{template}", build)
        return build

    return register


def for_form(form: str | None) -> Konteks | None:
    _load()
    return _REGISTRY.get(form or "")


_loaded = False


def _load() -> None:
    global _loaded
    if not _loaded:
        for module in pkgutil.iter_modules(__path__):
            importlib.import_module(f"{__name__}.{module.name}")
        _loaded = True
