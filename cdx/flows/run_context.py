"""One run of one dataset: what every pipeline step needs, looked up once.

`start_run` resolves the dataset, its catalogues and the signing key, and makes the
run's work area; the steps in flows/pipeline.py take the `PublishRun` it returns.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from cdx.core.coalition import Coalition, Dataset
from cdx.core.i18n import SOURCE_LANGUAGE, choose_language
from cdx.core.keys import SigningKey, load_signing_key
from cdx.core.settings import Settings
from cdx.seal.provenance import RunRecord


@dataclass(frozen=True)
class RunPaths:
    """A run's private work area: staged sources and the package being built."""

    root: Path

    @property
    def staged(self) -> Path:
        return self.root / "staged"

    @property
    def package(self) -> Path:
        return self.root / "package"


class SealingKey:
    """The coalition's signing key, read from its file at most once per run.

    A run travels as a Prefect task parameter. Prefect keeps only references to a task's
    inputs, but should a run ever be pickled (a process pool, a task worker) the private
    key stays behind: only the path travels, and the key is read again, with the same
    checks, where it is used. Its repr names the file, never the key.
    """

    __slots__ = ("_key", "coalition", "path")

    def __init__(self, coalition: str, path: Path) -> None:
        self.coalition = coalition
        self.path = path
        self._key: SigningKey | None = None

    def load(self) -> SigningKey:
        """The key, read on first use; refuses a key that is missing or readable by others."""
        if self._key is None:
            self._key = load_signing_key(self.coalition, self.path)
        return self._key

    def __reduce__(self) -> tuple[type[SealingKey], tuple[str, Path]]:
        return SealingKey, (self.coalition, self.path)

    def __repr__(self) -> str:
        return f"SealingKey({self.coalition!r}, {str(self.path)!r})"


@dataclass(frozen=True)
class PublishRun:
    """One dataset on its way through stage → build → validate → protect → seal → publish.

    `cdx validate DATASET` runs the first three steps with a run of its own.
    """

    coalition: Coalition
    dataset: str
    spec: Dataset
    catalogues: dict[str, str]
    """Where the dataset goes, by catalogue name; empty for a run that only validates."""
    record: RunRecord
    work_dir: Path
    paths: RunPaths
    sealing_key: SealingKey
    language: str = SOURCE_LANGUAGE
    """The language the run's pages (reports/validation.html) are written in."""

    @property
    def label(self) -> str:
        """`coalition/dataset`, as reports, logs and artifacts name the dataset."""
        return f"{self.coalition.id}/{self.dataset}"

    @property
    def version(self) -> str:
        return self.spec.version

    @property
    def signing_key(self) -> SigningKey:
        return self.sealing_key.load()


def start_run(
    coalition: Coalition,
    dataset: str,
    record: RunRecord,
    settings: Settings,
    *,
    publishing: bool = True,
    language: str | None = None,
) -> PublishRun:
    """Look the dataset up and make the run's work area.

    A publishing run also resolves its catalogues and reads the signing key first, so a
    misconfigured catalogue or a key that is missing or readable by others fails the run
    before any work; a run that only validates needs neither. `language` is the one the
    command chose (--lang, coalition.yaml, locale); a run no command started (a Prefect
    deployment) takes coalition.yaml's `language:`, else the locale's, else English.
    """
    spec = coalition.dataset(dataset)
    sealing_key = SealingKey(coalition.id, coalition.resolve(coalition.config.signing.key))
    catalogues: dict[str, str] = {}
    if publishing:
        catalogues = catalogue_locations(coalition, dataset, spec)
        sealing_key.load()
    work_dir = settings.work_dir_for(coalition.base_dir)
    paths = RunPaths(work_dir / "runs" / record.run_id)
    paths.root.mkdir(parents=True, exist_ok=False)
    if language is None:
        language = choose_language(None, coalition.config.coalition.language, os.environ)
    return PublishRun(
        coalition, dataset, spec, catalogues, record, work_dir, paths, sealing_key, language
    )


def end_run(run: PublishRun) -> None:
    """Remove the run's work area: staged sources and the package, protected or not.

    Whatever a run must keep leaves it first: the catalogue holds the sealed package, the
    quarantine a refused run's (masked) reports.
    """
    shutil.rmtree(run.paths.root, ignore_errors=True)


def catalogue_locations(coalition: Coalition, dataset: str, spec: Dataset) -> dict[str, str]:
    """The catalogues this dataset goes to, by name."""
    wanted = spec.catalogues
    known = coalition.config.catalogues
    if wanted is None:
        return dict(known)
    missing = [name for name in wanted if name not in known]
    if missing:
        from cdx.core.errors import ConfigError

        raise ConfigError(
            f"dataset {dataset!r} names catalogues that are not defined: {', '.join(missing)}",
            where=str(coalition.path),
            hint=f"define them under `catalogues:` (known: {', '.join(known) or 'none'})",
        )
    return {name: known[name] for name in wanted}
