"""Which backend opens a catalogue location: a registry from URL scheme to backend.

A location's scheme is what precedes `://` (`s3`, `ckan+https`); a location without one
is a path (`file:` prefix allowed), scheme "". Each backend folder declares itself in a
light `backend.py` (no boto3, no ckanapi at import): its schemes, settings and
credentials classes, how to open a location and how to load its secrets from Prefect
blocks. Those modules are imported on the first lookup, never by `cdx --help`; the
catalogue implementations they name are imported only by `open`.

Third-party backends register through the entry-point group `cdx.catalogues` (the
object is a backend, or a class whose instance is one), looked at only for a scheme no
built-in backend knows; `register_backend` adds one in-process.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any, Protocol

from cdx.connectors.catalogue import Catalogue, CredentialSet
from cdx.core.errors import CatalogueError

ENTRY_POINT_GROUP = "cdx.catalogues"
BUILT_IN = (
    "cdx.connectors.local.backend",
    "cdx.connectors.s3.backend",
    "cdx.connectors.ckan.backend",
)
PATH_SCHEME = ""  # a location without `://`: a directory


class CatalogueBackend(Protocol):
    """What a backend folder declares in its `backend.py` (as `BACKEND`)."""

    name: str  # its key in a CredentialSet and in block-name overrides
    schemes: tuple[str, ...]  # what precedes `://`; "" for a plain path
    settings_class: type | None  # read from the environment, never from coalition.yaml
    credentials_class: type | None  # secrets handed over explicitly; None: needs none

    def open(self, location: str, *, base_dir: Path | None, credentials: Any) -> Catalogue:
        """The catalogue at `location`; `credentials` (or None: the environment)."""
        ...

    def credentials_from_blocks(self, block_name: str | None = None) -> Any | None:
        """Its credentials from a Prefect block (imports Prefect itself), or None."""
        ...


_backends: dict[str, CatalogueBackend] = {}  # by scheme, filled on first lookup
_looked_at_plugins = False


def scheme_of(location: str) -> str:
    """`s3://b/p` → `s3`; a path (`/srv/cat`, `file:/srv/cat`, `cat`) → ""."""
    scheme, separator, _ = location.partition("://")
    return scheme if separator else PATH_SCHEME


def register_backend(backend: CatalogueBackend) -> None:
    """Let `backend` open its schemes; a scheme already taken is refused."""
    _load_built_in()
    _add(backend)


def find_backend(location: str) -> CatalogueBackend | None:
    """The backend for `location`'s scheme, or None when no backend knows it."""
    global _looked_at_plugins
    _load_built_in()
    scheme = scheme_of(location)
    if scheme not in _backends and not _looked_at_plugins:
        _looked_at_plugins = True
        for entry in entry_points(group=ENTRY_POINT_GROUP):
            loaded = entry.load()
            _add(loaded() if isinstance(loaded, type) else loaded, skip_taken=True)
    return _backends.get(scheme)


def backend_for(location: str) -> CatalogueBackend:
    """The backend for `location`; CatalogueError when no backend knows its scheme."""
    backend = find_backend(location)
    if backend is None:
        known = ", ".join(f"{s}://" for s in sorted(_backends) if s != PATH_SCHEME)
        raise CatalogueError(
            f"cdx does not know how to publish to {location!r}",
            hint=f"use a directory path, or a location starting with {known}",
        )
    return backend


def backends_for(locations: Iterable[str]) -> list[CatalogueBackend]:
    """The distinct backends of the known `locations`, in order; unknown ones are skipped."""
    found: dict[str, CatalogueBackend] = {}
    for location in locations:
        backend = find_backend(location)
        if backend is not None:
            found.setdefault(backend.name, backend)
    return list(found.values())


def credentials_for(backend: CatalogueBackend, given: object | None) -> Any:
    """The backend's own credentials out of what a caller handed over (None: environment)."""
    if given is None:
        return None
    if isinstance(given, CredentialSet):
        return given.of(backend.name)
    if backend.credentials_class is not None and isinstance(given, backend.credentials_class):
        return given
    raise CatalogueError(
        f"{type(given).__name__} are not credentials of the {backend.name} catalogue",
        hint=f"hand over {getattr(backend.credentials_class, '__name__', 'none')} "
        "or a CredentialSet",
    )


def _load_built_in() -> None:
    if _backends:
        return
    for module in BUILT_IN:
        _add(importlib.import_module(module).BACKEND)


def _add(backend: CatalogueBackend, *, skip_taken: bool = False) -> None:
    for scheme in backend.schemes:
        taken = _backends.get(scheme)
        if taken is not None and taken is not backend:
            if skip_taken:
                continue  # a plug-in never replaces a backend cdx ships
            raise CatalogueError(
                f"the scheme {scheme!r} belongs to the {taken.name} catalogue already",
                hint=f"give the {backend.name} catalogue a scheme of its own",
            )
        _backends[scheme] = backend


def open_catalogue(
    location: str,
    *,
    base_dir: Path | None = None,
    credentials: object | None = None,
) -> Catalogue:
    """A catalogue from its location: a directory, `s3://…`, `ckan+https://…` or a plug-in's.

    `credentials`: a `CredentialSet`, one backend's own credentials object, or None for
    the environment. The registry picks the backend.
    """
    backend = backend_for(location)
    return backend.open(
        location, base_dir=base_dir, credentials=credentials_for(backend, credentials)
    )
