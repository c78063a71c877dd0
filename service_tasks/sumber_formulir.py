"""Where a form's choices and pre-filled answers come from: the sources a form file names.

A field of a form (forms/README.md) says ``"x-sumber": "<name>"`` to be offered the choices of that source
when its task is read, or ``"x-isian": "<name>"`` to open with the value that source proposes. The sources
are registered here, in one registry, by name: ``@pilihan(name)`` for a source of choices (returning
:class:`Pilihan`, value and Indonesian title), ``@isian(name)`` for a source of a proposed value (any
JSON value, or None when the process knows nothing to propose). Each gets a :class:`SumberContext`: the
task's data and instance (``ctx.service``, as validators get it) and the master data (``ctx.master``).

Where a rule narrows who or what is valid (an asesor's MET, competence, conflicts, the ratio; a pleno
member's independence; a verified TUK), a source offers only the eligible ones; the validators in
``service_tasks/pemeriksaan`` still enforce every rule on submit, so choices are a help, never the check.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from enum import StrEnum
from typing import Any

from service_tasks.context import ServiceContext
from service_tasks.data_induk import MasterData


class Jenis(StrEnum):
    """What a source gives: choices (keyword `x-sumber`) or a proposed value (keyword `x-isian`)."""

    PILIHAN = "pilihan"
    ISIAN = "isian"


@dataclass(frozen=True)
class Pilihan:
    """One choice: the value stored and how a person reads it. In a list of rows, a source registered with
    `per=<field>` says in `untuk` the values of that field of the row the choice is valid for (the asesor
    who may assess these candidates); None is every row."""

    const: Any
    title: str
    untuk: frozenset[Any] | None = None


@dataclass
class SumberContext:
    """What a source reads: the task (its data, instance, clock) and the master data, plus the SOP's time
    standards of the instance's process (step number -> duration) and a memo shared by the sources of one
    form (a proposal several fields share is computed once)."""

    service: ServiceContext
    master: MasterData
    standar_langkah: dict[str, timedelta] = field(default_factory=dict)
    memo: dict[str, Any] = field(default_factory=dict)

    @property
    def data(self) -> dict[str, Any]:
        return self.service.data


Sumber = Callable[[SumberContext], Any]


@dataclass(frozen=True)
class Terdaftar:
    jenis: Jenis
    fn: Sumber
    keterangan: str
    per: str | None = None  # choices narrowed per row by this sibling field (Pilihan.untuk)


SUMBER: dict[str, Terdaftar] = {}


def _register(name: str, jenis: Jenis, per: str | None = None) -> Callable[[Sumber], Sumber]:
    def register(fn: Sumber) -> Sumber:
        if name in SUMBER:
            raise ValueError(f"form source {name!r} registered twice")
        SUMBER[name] = Terdaftar(jenis, fn, (fn.__doc__ or "").strip().split("\n")[0], per)
        return fn

    return register


def pilihan(name: str, *, per: str | None = None) -> Callable[[Sumber], Sumber]:
    """Register a source of choices: ``fn(ctx) -> list[Pilihan]`` (named by `x-sumber`). With `per`, each
    choice says the values of that sibling field of a row it is valid for (`Pilihan.untuk`)."""
    return _register(name, Jenis.PILIHAN, per)


def isian(name: str) -> Callable[[Sumber], Sumber]:
    """Register a source of a proposed value: ``fn(ctx) -> JSON value | None`` (named by `x-isian`)."""
    return _register(name, Jenis.ISIAN)


def choices_of(name: str, ctx: SumberContext) -> list[Pilihan]:
    found = SUMBER.get(name)
    if found is None or found.jenis != Jenis.PILIHAN:
        raise KeyError(f"no choices source {name!r}")
    return list(found.fn(ctx))


def default_of(name: str, ctx: SumberContext) -> Any:
    found = SUMBER.get(name)
    if found is None or found.jenis != Jenis.ISIAN:
        raise KeyError(f"no pre-fill source {name!r}")
    return found.fn(ctx)


# Importing the modules registers their sources.
from service_tasks import sumber_formulir_isian, sumber_formulir_pilihan  # noqa: E402,F401
