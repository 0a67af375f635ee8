"""A bounded fuzz run over the documents a catalogue or a coalition hands cdx: manifest.json,
manifest.sig, catalog.json, keys.json, a trust store and coalition.yaml. Whatever they
hold, cdx answers with a coded error or a verification problem, never a traceback.

Derandomised (the same examples on every run) and kept to a few hundred examples.
"""

from __future__ import annotations

import contextlib
import copy
import json
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cdx.connectors.catalogue import PackageRef
from cdx.connectors.local.catalogue import LocalCatalogue
from cdx.connectors.pull import pull_package
from cdx.core.errors import CdxError
from cdx.core.keys import TrustStore
from cdx.verify.verification import Verification, verify_package

REF = PackageRef("kenya-lnob", "health-scorecard", "1.0.0")
FUZZ = settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False)
    | st.text(max_size=12)
    | st.sampled_from(["data/scores.csv", "../x", "/etc/passwd", "data/esc/../../x", "0" * 64])
)
json_values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)


@st.composite
def mutated(draw: st.DrawFn, document: Any) -> Any:
    """`document` with one to three places (a key's value, a list item) replaced or removed."""
    document = copy.deepcopy(document)
    for _ in range(draw(st.integers(1, 3))):
        node: Any = document
        while isinstance(node, dict | list) and node and draw(st.booleans()):
            keys = list(node) if isinstance(node, dict) else list(range(len(node)))
            key = draw(st.sampled_from(keys))
            if not isinstance(node[key], dict | list) or draw(st.booleans()):
                if draw(st.integers(0, 4)) == 0:
                    del node[key]
                else:
                    node[key] = draw(json_values)
                break
            node = node[key]
        else:
            if not isinstance(node, dict | list) or not node:
                document = draw(json_values)
    return document


@pytest.fixture(scope="module")
def published(sealed_template: tuple[Path, Path]) -> Iterator[tuple[Path, Path]]:
    """A catalogue holding the sealed example, and the trust store that accepts it."""
    folder = Path(tempfile.mkdtemp(prefix="cdx-fuzz-"))
    LocalCatalogue(folder / "catalogue").publish(sealed_template[1], REF)
    yield folder / "catalogue", sealed_template[0] / "keys" / "kenya-lnob.pub.json"
    shutil.rmtree(folder, ignore_errors=True)


def pulled(catalogue: Path, trust: TrustStore | None) -> Verification | CdxError:
    target = Path(tempfile.mkdtemp(prefix="cdx-fuzz-pull-")) / "got"
    try:
        return pull_package(LocalCatalogue(catalogue), REF, target, trust)[1]
    except CdxError as error:
        return error
    finally:
        shutil.rmtree(target.parent, ignore_errors=True)


def original(path: Path) -> Any:
    return json.loads(path.read_bytes())


def test_fuzzed_manifests_are_refused_in_words(published: tuple[Path, Path]) -> None:
    catalogue, trust_file = published
    manifest_path = catalogue / REF.key / "manifest.json"
    sealed = manifest_path.read_bytes()
    trust = TrustStore.load(trust_file)

    @FUZZ
    @given(mutated(json.loads(sealed)))
    def check(manifest: Any) -> None:
        manifest_path.write_text(json.dumps(manifest))
        outcome = pulled(catalogue, trust)
        if manifest != json.loads(sealed):
            assert isinstance(outcome, CdxError) or not outcome.ok

    try:
        check()
    finally:
        manifest_path.write_bytes(sealed)


def test_fuzzed_signatures_are_refused_in_words(published: tuple[Path, Path]) -> None:
    catalogue, trust_file = published
    signature_path = catalogue / REF.key / "manifest.sig"
    sealed = signature_path.read_bytes()
    trust = TrustStore.load(trust_file)

    @FUZZ
    @given(mutated(json.loads(sealed)))
    def check(signature: Any) -> None:
        signature_path.write_text(json.dumps(signature))
        pulled(catalogue, trust)

    try:
        check()
    finally:
        signature_path.write_bytes(sealed)


def test_fuzzed_keys_json_never_blocks_the_trust_store(published: tuple[Path, Path]) -> None:
    catalogue, trust_file = published
    keys_path = catalogue / "kenya-lnob" / "keys.json"
    trust = TrustStore.load(trust_file)

    @FUZZ
    @given(mutated(json.loads(trust_file.read_bytes())))
    def check(keys: Any) -> None:
        keys_path.write_text(json.dumps(keys))
        outcome = pulled(catalogue, trust)
        assert isinstance(outcome, Verification) and outcome.ok
        assert isinstance(pulled(catalogue, None), Verification)

    try:
        check()
    finally:
        keys_path.unlink(missing_ok=True)


def test_fuzzed_catalog_json_lists_or_is_a_coded_error(published: tuple[Path, Path]) -> None:
    catalogue, _ = published
    index_path = catalogue / "catalog.json"
    sealed = index_path.read_bytes()

    @FUZZ
    @given(mutated(json.loads(sealed)))
    def check(index: Any) -> None:
        index_path.write_text(json.dumps(index))
        try:
            entries = LocalCatalogue(catalogue).entries()
        except CdxError:
            return
        assert all(isinstance(entry.version, str) for entry in entries)

    try:
        check()
    finally:
        index_path.write_bytes(sealed)


def test_fuzzed_trust_stores_load_or_are_a_coded_error(
    published: tuple[Path, Path], tmp_path: Path
) -> None:
    catalogue, trust_file = published
    path = tmp_path / "trust.json"

    @FUZZ
    @given(mutated(json.loads(trust_file.read_bytes())))
    def check(store: Any) -> None:
        path.write_text(json.dumps(store))
        try:
            trust = TrustStore.load(path)
        except CdxError:
            return
        verify_package(catalogue / REF.key, trust)

    check()


def test_fuzzed_coalition_yaml_loads_or_is_a_coded_error(coalition_dir: Path) -> None:
    from cdx.core.coalition import load_coalition

    config = coalition_dir / "coalition.yaml"
    example = yaml.safe_load(config.read_text())

    @FUZZ
    @given(mutated(example))
    def check(document: Any) -> None:
        config.write_text(yaml.safe_dump(document, allow_unicode=True))
        with contextlib.suppress(CdxError):
            load_coalition(config)

    check()
