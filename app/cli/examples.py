"""One or two examples at the end of every command's ``--help``, kept in one table.

``apply`` walks the finished parser tree (the extensions' commands included) and gives each
parser its examples as an epilog, printed as written (``RawDescriptionHelpFormatter``). A parser
that already has an epilog keeps it. ``tests/cli/test_help_texts.py`` checks that no command
is left without examples and no argument without a help text.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator

__all__ = ["EXAMPLES", "apply", "walk"]

_DB = "tilldesk --db shop.sqlite"

EXAMPLES: dict[str, tuple[str, ...]] = {
    "": ("tilldesk --db shop.sqlite --demo draft list", "tilldesk --self-test"),
    "catalog": (f"{_DB} catalog variants --q espresso", f"{_DB} catalog shipping-options --region reg_01H..."),
    "draft": (f"{_DB} draft list --q ann@example.com", f"{_DB} draft mark-paid '#1' --tender cash=50"),
    "draft create": ("echo '{\"items\":[{\"variant_sku\":\"COF-HSE-ESP-250\",\"quantity\":2}],"
                     "\"email\":\"ann@example.com\"}' \\\n    | tilldesk --db shop.sqlite draft create",
                     f"{_DB} draft create order-v1.json --medusa-v1"),
    "draft list": (f"{_DB} draft list --status open --q lee", f"{_DB} draft list --from 2026-03-01 --limit 10"),
    "draft show": (f"{_DB} draft show '#12'",),
    "draft cancel": (f"{_DB} draft cancel '#12'",),
    "draft delete": (f"{_DB} draft delete '#12'",),
    "draft update": ("echo '{\"email\":\"bo@example.com\"}' | tilldesk --db shop.sqlite draft update '#12'",
                     f"{_DB} draft update '#12' changes.json"),
    "draft add-item": (f"{_DB} draft add-item '#12' --sku COF-HSE-ESP-250 --quantity 2",
                       f"{_DB} draft add-item '#12' --title 'Gift wrap' --unit-price 2.50"),
    "draft update-item": (f"{_DB} draft update-item '#12' ordli_01H... --quantity 3",),
    "draft remove-item": (f"{_DB} draft remove-item '#12' ordli_01H...",),
    "draft set-shipping": (f"{_DB} draft set-shipping '#12' so_01H...",
                           f"{_DB} draft set-shipping '#12' so_01H... --amount 4.90"),
    "draft apply-promo": (f"{_DB} draft apply-promo '#12' WELCOME10",),
    "draft remove-promo": (f"{_DB} draft remove-promo '#12' WELCOME10",),
    "draft mark-paid": (f"{_DB} draft mark-paid '#12' --tender cash=50",
                        f"{_DB} draft mark-paid '#12' --tender card=10.00:4242 --tender cash=20"),
    "order": (f"{_DB} order list --q lee", f"{_DB} order show TD-A1-2026-000001"),
    "order list": (f"{_DB} order list --sync-state needs_attention",
                   f"{_DB} order list --from 2026-03-01 --to 2026-03-31"),
    "order show": (f"{_DB} order show '#3'",),
    "order complete": (f"{_DB} order complete '#3'",),
    "order archive": (f"{_DB} order archive '#3'",),
    "order refund": (f"{_DB} order refund '#3' --item 1:1 --tender cash=12.50 --restock",
                     f"{_DB} order refund '#3' --amount 5 --tender card=5:4242 --reason goodwill"),
    "order exchange": (f"{_DB} order exchange '#3' --item 1:1 --restock",
                       f"{_DB} draft mark-paid '#13' --tender cash=5 --credit-back card:4242"),
    "order cancel": (f"{_DB} order cancel '#3' --reason 'customer changed their mind'",),
    "invoice": (f"{_DB} invoice TD-A1-2026-000001 --out invoice.pdf",
                f"{_DB} invoice '#3' --out receipt.pdf --format receipt"),
    "credit-note": (f"{_DB} credit-note TD-A1-CN-2026-000001 --out credit-note.pdf",),
    "till": ("tilldesk --db till-a1.sqlite --create --till A1 till show",
             f"{_DB} till set --code B2 --name 'Back room'"),
    "till show": (f"{_DB} till show",),
    "till set": (f"{_DB} till set --code A1 --name 'Front desk'",),
    "shift": (f"{_DB} shift open --float cash=150", f"{_DB} shift close --counted cash=412.35 --out z.pdf"),
    "shift open": (f"{_DB} shift open --float cash=150.00",),
    "shift cash-in": (f"{_DB} shift cash-in 20.00 --reason 'change from the bank'",),
    "shift cash-out": (f"{_DB} shift cash-out 35.00 --reason 'window cleaner paid'",),
    "shift show": (f"{_DB} shift show",),
    "shift list": (f"{_DB} shift list --limit 10",),
    "shift x-report": (f"{_DB} shift x-report", f"{_DB} shift x-report --out x.pdf --format receipt"),
    "shift close": (f"{_DB} shift close --counted cash=412.35 --counted card=88.10 --out z.pdf",),
    "shift z-report": (f"{_DB} shift z-report 12 --out z-12.pdf",),
    "drawer": (f"{_DB} drawer open --reason 'change for the float'",),
    "drawer open": (f"{_DB} drawer open --reason 'change for the float'",),
    "staff": (f"{_DB} staff list", f"echo 1357 | {_DB} staff add --name Olga --role owner"),
    "staff add": (f"echo 1357 | {_DB} staff add --name Olga --role owner",
                  f"echo 2468 | TILLDESK_PIN=1357 {_DB} staff add --name Carl --role cashier --staff Olga"),
    "staff list": (f"{_DB} staff list",),
    "staff disable": (f"TILLDESK_PIN=1357 {_DB} staff disable Carl --staff Olga",),
    "staff perms": (f"{_DB} staff perms show",),
    "staff perms show": (f"{_DB} staff perms show",),
    "staff perms set": (f"TILLDESK_PIN=1357 {_DB} staff perms set cashier refund approve --staff Olga",),
    "audit": (f"{_DB} audit list --since 100", f"{_DB} audit verify"),
    "audit list": (f"{_DB} audit list --since 100 --limit 20",),
    "audit verify": (f"{_DB} audit verify", f"{_DB} audit verify --head 9f2c..."),
    "backend": ("echo sk_... | tilldesk backend set --url https://shop.example.com", "tilldesk backend test"),
    "backend set": ("echo sk_... | tilldesk backend set --url https://shop.example.com",
                    "TILLDESK_MEDUSA_API_KEY=... tilldesk backend set --url https://shop.example.com "
                    "--kind medusa-v1"),
    "backend test": ("tilldesk backend test",),
    "sync": ("tilldesk sync --once", "tilldesk sync --interval 120"),
}


def walk(parser: argparse.ArgumentParser, path: str = "") -> Iterator[tuple[str, argparse.ArgumentParser]]:
    """Every parser of the tree with its command path ("" for tilldesk itself, "draft create")."""
    yield path, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from walk(sub, f"{path} {name}".strip())


def apply(parser: argparse.ArgumentParser) -> None:
    for path, p in walk(parser):
        p.formatter_class = argparse.RawDescriptionHelpFormatter
        if not p.epilog and path in EXAMPLES:
            p.epilog = "examples:\n" + "\n".join(f"  {line}" for line in EXAMPLES[path])
