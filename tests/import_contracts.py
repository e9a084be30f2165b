"""An allow-list contract for import-linter, which only has deny-lists ("forbidden").

The domain must import nothing but the standard library and itself. A deny-list names the
packages we thought of; a new dependency (say `attrs`) would slip past it. This contract names
what is allowed instead, so anything else breaks the build.

Registered in pyproject.toml under `[tool.importlinter] contract_types`; lint-imports puts the
working directory on sys.path, so `tests.import_contracts` is found when run from the repo root.
"""

from __future__ import annotations

import sys

from grimp import ImportGraph
from importlinter.application import output
from importlinter.domain import fields
from importlinter.domain.contract import Contract, ContractCheck


class AllowListContract(Contract):
    """Every module in `source_modules` (and below) imports only `allowed_modules` (and below),
    plus the standard library when `allow_standard_library` is true (the default)."""

    type_name = "allow_list"

    source_modules = fields.ListField(subfield=fields.StringField())
    allowed_modules = fields.ListField(subfield=fields.StringField(), required=False, default=[])
    allow_standard_library = fields.BooleanField(required=False, default=True)

    def _allowed(self, imported: str) -> bool:
        top = imported.split(".")[0]
        if self.allow_standard_library and top in sys.stdlib_module_names:
            return True
        return any(imported == a or imported.startswith(a + ".") for a in self._allowed_names())

    def _allowed_names(self) -> list[str]:
        return [*self.source_modules, *self.allowed_modules]

    def check(self, graph: ImportGraph, verbose: bool) -> ContractCheck:
        sources: set[str] = set()
        for name in self.source_modules:
            if name not in graph.modules:
                raise ValueError(f"allow_list contract: {name} is not in the import graph")
            sources |= {name, *graph.find_descendants(name)}
        violations = []
        for importer in sorted(sources):
            for imported in sorted(graph.find_modules_directly_imported_by(importer)):
                if self._allowed(imported):
                    continue
                details = graph.get_import_details(importer=importer, imported=imported)
                lines = tuple(sorted(d["line_number"] for d in details))
                violations.append({"importer": importer, "imported": imported, "line_numbers": lines})
                output.verbose_print(verbose, f"{importer} imports {imported}, which is not allowed")
        return ContractCheck(kept=not violations, metadata={"violations": violations})

    def render_broken_contract(self, check: ContractCheck) -> None:
        allowed = ", ".join(self._allowed_names())
        if self.allow_standard_library:
            allowed += " and the standard library"
        output.print(f"Only {allowed} may be imported.")
        output.new_line()
        for v in check.metadata["violations"]:
            lines = ", ".join(f"l.{n}" for n in v["line_numbers"]) or "l.?"
            output.print_error(f"{v['importer']} imports {v['imported']} ({lines})", bold=False)
        output.new_line()
