"""The package's imports form no loop: not between steps, not between two modules."""

from __future__ import annotations

import grimp


def _loops(graph: grimp.ImportGraph) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan, iteratively)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    loops: list[list[str]] = []
    for root in sorted(graph.modules):
        if root in index:
            continue
        work = [(root, iter(sorted(graph.find_modules_directly_imported_by(root))))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            module, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    imported = sorted(graph.find_modules_directly_imported_by(child))
                    work.append((child, iter(imported)))
                elif child in on_stack:
                    low[module] = min(low[module], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[module])
            if low[module] == index[module]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == module:
                        break
                if len(group) > 1:
                    loops.append(sorted(group))
    return loops


def test_no_module_of_cdx_imports_itself_round_a_loop() -> None:
    graph = grimp.build_graph("cdx", exclude_type_checking_imports=False)
    assert _loops(graph) == []


def test_a_loop_is_found_when_there_is_one() -> None:
    graph = grimp.ImportGraph()
    for name in ("a", "a.b", "a.c", "a.d"):
        graph.add_module(name)
    graph.add_import(importer="a.b", imported="a.c")
    graph.add_import(importer="a.c", imported="a.d")
    graph.add_import(importer="a.d", imported="a.b")
    assert _loops(graph) == [["a.b", "a.c", "a.d"]]


def test_every_catalogue_backend_folder_is_in_the_independence_contract() -> None:
    """import-linter keeps backends apart only when the contract names them: a backend
    folder added by docs/extending.md's recipe must be added to it too."""
    import tomllib
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    contracts = tomllib.loads((root / "pyproject.toml").read_text())["tool"]["importlinter"]
    [independence] = [c for c in contracts["contracts"] if c["type"] == "independence"]
    folders = {
        f"cdx.connectors.{backend.parent.name}"
        for backend in (root / "cdx" / "connectors").glob("*/backend.py")
    }
    assert folders <= set(independence["modules"]), folders - set(independence["modules"])
    assert len(folders) >= 3  # local, s3, ckan
