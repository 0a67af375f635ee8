"""Great Expectations imported without the modules its import pulls in but cdx never uses.

Importing great_expectations is slow and takes much memory (pandas included), and a
person running `cdx validate` on a file with findings waits for it. A good part of both
is scipy.stats and altair (docs/decisions/0038-deferred-gx-imports.md), which GX imports
at the top of one expectation module (`expect_column_kl_divergence_to_be_less_than`) and
of its renderers, and reads only inside functions: the KL-divergence statistic and the
charts of Data Docs.

While GX is imported, each of those names is a stand-in module in sys.modules
(`DeferredModule`); GX's modules keep the stand-in, which imports the real module the
first time one of its names is read, so an expectation that needs scipy still gets it.
Python's own importlib.util.LazyLoader cannot do this: the import system reads
`__spec__` of a module in sys.modules, and that alone loads a lazy module. After the
import the stand-ins leave sys.modules, so any other `import scipy.stats` is the usual
one. Should anything import a submodule of a deferred module meanwhile, the real module
is imported first, as Python always does (`_RealParentFirst`).
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import sys
import threading
import types
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

DEFERRED = ("scipy.stats", "altair")  # imported by GX, read only inside its functions
_LOADING = threading.RLock()


class DeferredModule(types.ModuleType):
    """A module that imports the real one when a name it does not hold is first read."""

    def __getattr__(self, name: str) -> Any:
        return getattr(_load(self), name)

    def __dir__(self) -> list[str]:
        return dir(_load(self))


def import_great_expectations() -> types.ModuleType:
    """great_expectations, imported with DEFERRED left for when they are used."""
    if "great_expectations" in sys.modules:
        return sys.modules["great_expectations"]
    with _LOADING, _deferred(DEFERRED):
        return importlib.import_module("great_expectations")


@contextmanager
def _deferred(names: Sequence[str]) -> Iterator[None]:
    stand_ins = {}
    for name in names:
        if name in sys.modules or importlib.util.find_spec(name) is None:
            continue  # already imported (nothing to save), or not installed
        stand_ins[name] = sys.modules[name] = DeferredModule(name)
    guard = _RealParentFirst(stand_ins)
    sys.meta_path.insert(0, guard)
    try:
        yield
    finally:
        sys.meta_path.remove(guard)
        for name, stand_in in stand_ins.items():
            if sys.modules.get(name) is stand_in:
                del sys.modules[name]


def _load(stand_in: DeferredModule) -> types.ModuleType:
    """The real module, imported on first need; the stand-in then holds its names too."""
    name = stand_in.__name__
    with _LOADING:
        if "__deferred_real__" not in stand_in.__dict__:
            if sys.modules.get(name) is stand_in:
                del sys.modules[name]
            try:
                real = importlib.import_module(name)
            except BaseException:
                sys.modules.setdefault(name, stand_in)
                raise
            stand_in.__dict__.update(real.__dict__)
            stand_in.__dict__["__deferred_real__"] = real
        real_module: types.ModuleType = stand_in.__dict__["__deferred_real__"]
        return real_module


class _RealParentFirst(importlib.abc.MetaPathFinder):
    """Importing `scipy.stats.x` while scipy.stats is a stand-in imports scipy.stats first.

    The import system asks the parent for `__path__`, which imports the real parent, and
    that may already have imported x: x is then handed back as it is, not run twice.
    """

    def __init__(self, stand_ins: dict[str, DeferredModule]) -> None:
        self.stand_ins = stand_ins

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: types.ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        parent = fullname.rpartition(".")[0]
        while parent and parent not in self.stand_ins:
            parent = parent.rpartition(".")[0]
        if not parent:
            return None
        stand_in = self.stand_ins[parent]
        if sys.modules.get(parent) is stand_in:
            _load(stand_in)
        elif "__deferred_real__" not in stand_in.__dict__:
            return None  # the real parent is being imported: these are its own imports
        existing = sys.modules.get(fullname)
        if existing is None:
            return None  # the usual finders import it, under its real parent
        return importlib.util.spec_from_loader(fullname, _Existing(existing))


class _Existing(importlib.abc.Loader):
    """Hands back a module already imported, with its own spec."""

    def __init__(self, module: types.ModuleType) -> None:
        self.module, self.spec = module, module.__spec__

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> types.ModuleType:
        return self.module

    def exec_module(self, module: types.ModuleType) -> None:
        module.__spec__ = self.spec  # the import system set ours
