"""Kill a publishing child process at chosen points and check what it leaves.

A trial forks a child that publishes one version and is SIGKILLed — by itself, just
before its k-th filesystem operation (or S3 request), or by the parent after a random
delay. The parent then checks the catalogue's promises:

- every committed version verifies with the coalition's trust store and holds exactly
  the files its manifest lists (no temporary name inside a version);
- after the next publish or a gc, catalog.json lists exactly the committed versions;
- republishing the killed version works (published, or unchanged if it was committed).

Used by tests/security/test_local_catalogue_crashes.py and tests/bench/crash_consistency.py.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import random
import shutil
import signal
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cdx.connectors.catalogue import Catalogue, PackageRef
from cdx.core.keys import TrustStore
from cdx.core.layout import MANIFEST, SIGNATURE
from cdx.seal.manifest import read_manifest
from cdx.verify.verification import verify_package

# The filesystem calls a local publish makes: the child dies just before the k-th one.
FS_CALLS = ("mkdir", "rename", "replace", "link", "unlink", "rmdir", "fsync")


@dataclass
class Tally:
    """What the trials saw: how each child ended and what the checks found."""

    trials: int = 0
    killed: int = 0
    finished: int = 0
    committed_after_kill: int = 0
    leftovers_collected: int = 0
    problems: list[str] = field(default_factory=list)
    outcomes: Counter[str] = field(default_factory=Counter)

    def line(self) -> str:
        return (
            f"trials {self.trials}, killed {self.killed}, finished {self.finished}, "
            f"version committed despite the kill {self.committed_after_kill}, "
            f"leftovers gc removed {self.leftovers_collected}, problems {len(self.problems)}"
        )


def die_before_call(number: int, names: tuple[str, ...] = FS_CALLS) -> None:
    """In the child: SIGKILL this process just before its `number`-th call of `names`."""
    count = [0]
    for name in names:
        real = getattr(os, name)

        def counted(*args: Any, _real: Any = real, **kwargs: Any) -> Any:
            count[0] += 1
            if count[0] == number:
                os.kill(os.getpid(), signal.SIGKILL)
            return _real(*args, **kwargs)

        setattr(os, name, counted)


def count_calls(publish: Callable[[], object], names: tuple[str, ...] = FS_CALLS) -> int:
    """How many calls of `names` one publish makes (in a child, so nothing is patched here)."""
    reader, writer = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child
        try:
            os.close(reader)
            count = [0]
            for name in names:
                real = getattr(os, name)

                def counted(*args: Any, _real: Any = real, **kwargs: Any) -> Any:
                    count[0] += 1
                    return _real(*args, **kwargs)

                setattr(os, name, counted)
            publish()
            os.write(writer, str(count[0]).encode())
        finally:
            os._exit(0)
    os.close(writer)
    with os.fdopen(reader) as answer:
        calls = int(answer.read() or 0)
    os.waitpid(pid, 0)
    return calls


def run_child(publish: Callable[[], object], *, die_at: int | None, after_s: float | None) -> bool:
    """Publish in a forked child that dies at call `die_at` or after `after_s`; True if killed."""
    pid = os.fork()
    if pid == 0:  # the child: never returns into the test runner
        code = 0
        try:
            if die_at is not None:
                die_before_call(die_at)
            publish()
        except BaseException:
            code = 1
        finally:
            os._exit(code)
    if after_s is not None:
        time.sleep(after_s)
        with contextlib.suppress(ProcessLookupError):  # it finished first
            os.kill(pid, signal.SIGKILL)
    _, status = os.waitpid(pid, 0)
    if os.WIFSIGNALED(status):
        return os.WTERMSIG(status) == signal.SIGKILL
    if os.WEXITSTATUS(status) != 0:
        raise AssertionError("the publishing child failed without being killed")
    return False


def check_committed(root: Path, coalition: str, dataset: str, trust: TrustStore) -> list[str]:
    """Problems with the committed versions of a local catalogue (none: all is well)."""
    problems = []
    base = root / coalition / dataset
    for folder in sorted(base.iterdir()) if base.is_dir() else []:
        if not (folder / SIGNATURE).is_file():
            continue
        manifest = read_manifest(folder / MANIFEST)
        expected = {e["path"] for e in manifest["files"]} | {MANIFEST, SIGNATURE}
        present = {str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()}
        if present != expected:
            problems.append(f"{folder.name}: unexpected {sorted(present ^ expected)}")
        verification = verify_package(folder, trust)
        if not verification.ok:
            problems.append(f"{folder.name}: {[p.code for p in verification.problems]}")
    return problems


def check_index(catalogue: Catalogue, coalition: str, dataset: str) -> list[str]:
    """catalog.json must list exactly the committed versions."""
    listed = sorted(e.version for e in catalogue.entries() if e.dataset == dataset)
    committed = catalogue.versions(coalition, dataset)
    return [] if listed == sorted(committed) else [f"index {listed} != committed {committed}"]


def local_trial(
    template: Path,
    root: Path,
    packages: dict[str, Path],
    trust: TrustStore,
    *,
    die_at: int | None,
    after_s: float | None,
    heal: str,
    tally: Tally,
) -> None:
    """One kill of a publish of 2.0.0 into a copy of `template`, then heal and check.

    `heal` is "gc" (gc --apply --older-than 0), "republish" (2.0.0 again) or "next"
    (publish 3.0.0, which must index a 2.0.0 committed just before the kill).
    """
    from cdx.connectors.local.catalogue import LocalCatalogue

    if root.exists():
        shutil.rmtree(root)
    shutil.copytree(template, root)
    catalogue = LocalCatalogue(root)
    ref = PackageRef("kenya-lnob", "health-scorecard", "2.0.0")
    killed = run_child(
        lambda: catalogue.publish(packages[ref.version], ref), die_at=die_at, after_s=after_s
    )
    tally.trials += 1
    tally.killed += killed
    tally.finished += not killed
    where = f"die_at={die_at} after_s={after_s} heal={heal}"
    problems = check_committed(root, ref.coalition, ref.dataset, trust)
    tally.committed_after_kill += killed and (root / ref.key / SIGNATURE).is_file()
    if heal == "gc":
        found = catalogue.collect_garbage(dt.timedelta(0), apply=True)
        tally.leftovers_collected += sum(1 for g in found if g.kind != "unindexed version")
    else:
        version = ref.version if heal == "republish" else "3.0.0"
        again = PackageRef(ref.coalition, ref.dataset, version)
        outcome = catalogue.publish(packages[version], again)
        tally.outcomes[f"{heal}: {outcome.status}"] += 1
    problems += check_index(catalogue, ref.coalition, ref.dataset)
    outcome = catalogue.publish(packages[ref.version], ref)  # republishing works
    tally.outcomes[f"then 2.0.0: {outcome.status}"] += 1
    catalogue.collect_garbage(dt.timedelta(0), apply=True)
    problems += check_committed(root, ref.coalition, ref.dataset, trust)
    problems += check_index(catalogue, ref.coalition, ref.dataset)
    left = [p.name for p in (root / ".cdx-tmp").iterdir()] if (root / ".cdx-tmp").is_dir() else []
    left += [p.name for p in root.glob(".catalog.json.*")]
    if left:
        problems.append(f"gc left {left}")
    tally.problems += [f"{where}: {p}" for p in problems]


def local_campaign(
    template: Path,
    work: Path,
    packages: dict[str, Path],
    trust: TrustStore,
    *,
    random_kills: int,
    seed: int = 1,
) -> Tally:
    """Kill before every filesystem call of a publish (each heal in turn), then at random times."""
    from cdx.connectors.local.catalogue import LocalCatalogue

    tally = Tally()
    heals = ("gc", "republish", "next")
    probe = work / "probe"
    shutil.copytree(template, probe)
    ref = PackageRef("kenya-lnob", "health-scorecard", "2.0.0")
    calls = count_calls(lambda: LocalCatalogue(probe).publish(packages["2.0.0"], ref))
    root = work / "root"
    for number in range(1, calls + 1):
        for heal in heals:
            local_trial(
                template, root, packages, trust, die_at=number, after_s=None, heal=heal, tally=tally
            )
    # How long a publish takes in a forked child, as the trials run it: the shortest of
    # three into a copy of the template (a parent's publish into an empty folder was
    # slower than the children, so most random kills came after the child had finished).
    duration = min(
        child_seconds(template, work / f"timing-{n}", packages["2.0.0"], ref) for n in range(3)
    )
    chance = random.Random(seed)
    for trial in range(random_kills):
        after = chance.uniform(0, duration * 1.2)
        heal = heals[trial % len(heals)]
        before = tally.killed
        local_trial(
            template, root, packages, trust, die_at=None, after_s=after, heal=heal, tally=tally
        )
        # follow the machine's pace: a child that finished first means publishes got faster
        duration *= 1.02 if tally.killed > before else 0.9
    return tally


def child_seconds(template: Path, root: Path, package: Path, ref: PackageRef) -> float:
    """Wall time of one publish of `package` in a forked child, into a copy of `template`."""
    from cdx.connectors.local.catalogue import LocalCatalogue

    shutil.copytree(template, root)
    began = time.monotonic()
    run_child(lambda: LocalCatalogue(root).publish(package, ref), die_at=None, after_s=None)
    return time.monotonic() - began


# --- S3 ----------------------------------------------------------------------------------


def die_before_request(number: int) -> None:
    """In the child: SIGKILL this process just before its `number`-th S3 request."""
    from botocore.client import BaseClient

    real = BaseClient._make_api_call
    count = [0]

    def counted(self: Any, operation: str, params: Any) -> Any:
        count[0] += 1
        if count[0] == number:
            os.kill(os.getpid(), signal.SIGKILL)
        return real(self, operation, params)

    BaseClient._make_api_call = counted  # type: ignore[method-assign]


def count_requests(publish: Callable[[], object]) -> int:
    """How many S3 requests one publish makes (counted in a child)."""
    from botocore.client import BaseClient

    reader, writer = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            os.close(reader)
            real = BaseClient._make_api_call
            count = [0]

            def counted(self: Any, operation: str, params: Any) -> Any:
                count[0] += 1
                return real(self, operation, params)

            BaseClient._make_api_call = counted  # type: ignore[method-assign]
            publish()
            os.write(writer, str(count[0]).encode())
        finally:
            os._exit(0)
    os.close(writer)
    with os.fdopen(reader) as answer:
        requests = int(answer.read() or 0)
    os.waitpid(pid, 0)
    return requests


def run_s3_child(
    publish: Callable[[], object], *, die_at: int | None, after_s: float | None
) -> bool:
    def child() -> object:
        if die_at is not None:
            die_before_request(die_at)
        return publish()

    return run_child(child, die_at=None, after_s=after_s)


def check_s3(
    catalogue: Any, coalition: str, dataset: str, trust: TrustStore, scratch: Path
) -> list[str]:
    """Committed S3 versions verify when fetched and hold exactly their manifest's objects."""
    from cdx.connectors.s3.claim import CLAIM

    problems = []
    for version in catalogue.versions(coalition, dataset):
        base = f"{catalogue.prefix}{coalition}/{dataset}/{version}/"
        keys = {o.key[len(base) :] for o in catalogue.store.objects(base)} - {CLAIM}
        target = scratch / f"{version}-{time.monotonic_ns()}"
        target.mkdir(parents=True)
        catalogue.fetch(PackageRef(coalition, dataset, version), target)
        manifest = read_manifest(target / MANIFEST)
        expected = {e["path"] for e in manifest["files"]} | {MANIFEST, SIGNATURE}
        if keys != expected:
            problems.append(f"{version}: unexpected {sorted(keys ^ expected)}")
        verification = verify_package(target, trust)
        if not verification.ok:
            problems.append(f"{version}: {[p.code for p in verification.problems]}")
        shutil.rmtree(target)
    return problems


def s3_trial(
    open_catalogue: Callable[[str], Any],
    packages: dict[str, Path],
    trust: TrustStore,
    scratch: Path,
    *,
    prefix: str,
    die_at: int | None,
    after_s: float | None,
    heal: str,
    tally: Tally,
) -> None:
    """One kill of a publish of 2.0.0 under a fresh `prefix` holding 1.0.0; heal; check."""
    catalogue = open_catalogue(prefix)
    one = PackageRef("kenya-lnob", "health-scorecard", "1.0.0")
    catalogue.publish(packages["1.0.0"], one)
    ref = PackageRef("kenya-lnob", "health-scorecard", "2.0.0")
    killed = run_s3_child(
        lambda: open_catalogue(prefix).publish(packages["2.0.0"], ref),
        die_at=die_at,
        after_s=after_s,
    )
    tally.trials += 1
    tally.killed += killed
    tally.finished += not killed
    tally.committed_after_kill += killed and "2.0.0" in catalogue.versions(
        ref.coalition, ref.dataset
    )
    problems = check_s3(catalogue, ref.coalition, ref.dataset, trust, scratch)
    if heal == "gc":
        found = catalogue.collect_garbage(dt.timedelta(0), apply=True)
        tally.leftovers_collected += len(found)
    else:
        version = ref.version if heal == "republish" else "3.0.0"
        again = PackageRef(ref.coalition, ref.dataset, version)
        tally.outcomes[f"{heal}: {catalogue.publish(packages[version], again).status}"] += 1
    problems += check_index(catalogue, ref.coalition, ref.dataset)
    tally.outcomes[f"then 2.0.0: {catalogue.publish(packages['2.0.0'], ref).status}"] += 1
    tally.leftovers_collected += len(catalogue.collect_garbage(dt.timedelta(0), apply=True))
    problems += check_s3(catalogue, ref.coalition, ref.dataset, trust, scratch)
    problems += check_index(catalogue, ref.coalition, ref.dataset)
    if catalogue.collect_garbage(dt.timedelta(0), apply=False):
        problems.append("gc left garbage behind")
    tally.problems += [f"die_at={die_at} after_s={after_s} heal={heal}: {p}" for p in problems]


def s3_campaign(
    open_catalogue: Callable[[str], Any],
    packages: dict[str, Path],
    trust: TrustStore,
    scratch: Path,
    *,
    random_kills: int,
    heals: tuple[str, ...] = ("republish", "next", "gc"),
    seed: int = 1,
) -> Tally:
    """Kill before every S3 request of a publish (heals in turn), then at random times."""
    import uuid

    tally = Tally()
    ref = PackageRef("kenya-lnob", "health-scorecard", "2.0.0")
    probe = f"probe-{uuid.uuid4().hex[:8]}"
    requests = count_requests(lambda: open_catalogue(probe).publish(packages["2.0.0"], ref))
    began = time.monotonic()
    open_catalogue(f"timing-{uuid.uuid4().hex[:8]}").publish(packages["2.0.0"], ref)
    duration = time.monotonic() - began
    plan: list[tuple[int | None, float | None]] = [(n, None) for n in range(1, requests + 1)]
    chance = random.Random(seed)
    plan += [(None, chance.uniform(0, duration * 1.5)) for _ in range(random_kills)]
    for trial, (die_at, after_s) in enumerate(plan):
        s3_trial(
            open_catalogue,
            packages,
            trust,
            scratch,
            prefix=f"crash-{uuid.uuid4().hex[:8]}",
            die_at=die_at,
            after_s=after_s,
            heal=heals[trial % len(heals)],
            tally=tally,
        )
    return tally
