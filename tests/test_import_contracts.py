"""The domain's allow-list contract (tests/import_contracts.py) keeps what it promises."""

from __future__ import annotations

from grimp import ImportGraph

from tests.import_contracts import AllowListContract


def _graph(*imports: tuple[str, str]) -> ImportGraph:
    graph = ImportGraph()
    for name in ("app", "app.domain", "app.domain.money", "app.domain.order", "app.printing"):
        graph.add_module(name)
    for importer, imported in imports:
        if imported not in graph.modules:
            graph.add_module(imported, is_squashed=True)
        graph.add_import(importer=importer, imported=imported, line_number=3, line_contents=f"import {imported}")
    return graph


def _contract(**options: object) -> AllowListContract:
    options = {"source_modules": ["app.domain"], **options}
    return AllowListContract(name="domain", session_options={}, contract_options=options)


def test_the_standard_library_and_the_package_itself_are_allowed():
    graph = _graph(("app.domain.money", "decimal"), ("app.domain.order", "app.domain.money"),
                   ("app.domain.order", "dataclasses"))
    assert _contract().check(graph, verbose=False).kept


def test_a_third_party_package_or_a_higher_layer_breaks_it():
    graph = _graph(("app.domain.money", "babel"), ("app.domain.order", "app.printing"), ("app.domain", "enum"))
    check = _contract().check(graph, verbose=False)
    assert not check.kept
    assert [(v["importer"], v["imported"]) for v in check.metadata["violations"]] == [
        ("app.domain.money", "babel"), ("app.domain.order", "app.printing")]


def test_allowed_modules_extend_the_list_and_the_standard_library_can_be_excluded():
    graph = _graph(("app.domain.money", "babel"), ("app.domain.order", "decimal"))
    assert _contract(allowed_modules=["babel"]).check(graph, verbose=False).kept
    strict = _contract(allowed_modules=["babel"], allow_standard_library="false").check(graph, verbose=False)
    assert [v["imported"] for v in strict.metadata["violations"]] == ["decimal"]
