"""The import contract: packages import only downward, and only storage builds SQL.

Layers, lowest first: `domain` and `knowledge` (pure rules and data) → `storage` (takes plain
values) → `services` (flows) → `bot` and `handlers`. The checker reads every module with `ast`
(nothing is imported), so a violation names the module and line wherever the import hides:
inside a function, under `TYPE_CHECKING`, or written relatively.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("domain", "knowledge", "storage", "services", "bot", "handlers")

# package -> the packages (or subpackages) it must not import
FORBIDDEN: Mapping[str, tuple[str, ...]] = {
    "domain": ("storage", "services", "bot", "handlers"),
    "knowledge": ("storage", "services", "bot", "handlers"),
    "storage": ("services", "bot", "handlers"),
    "services": ("bot", "handlers"),
}
# Outside storage, sqlalchemy is only for type hints and error classes, never for queries.
SQLALCHEMY_ALLOWED = ("sqlalchemy.exc", "sqlalchemy.ext.asyncio")
SESSION_QUERIES = frozenset({"execute", "get", "scalar", "scalars", "stream", "stream_scalars"})
# Being rewritten into services by another branch of issue 9 (its flows and their lookups move
# out); an exemption no longer needed fails `test_no_stale_exemptions`.
SQL_PENDING: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Import:
    """One imported name as the module spells it, fully qualified, with its line."""

    target: str
    line: int


@dataclass(frozen=True)
class Module:
    name: str
    path: str
    imports: tuple[Import, ...]
    session_queries: tuple[int, ...] = ()  # lines calling session.execute/get/scalar...


def _resolve(module: str, is_package: bool, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    parts = module.split(".")
    base = parts if is_package else parts[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join([*base, node.module] if node.module else base)


def _is_session(node: ast.expr) -> bool:
    name = node.attr if isinstance(node, ast.Attribute) else getattr(node, "id", "")
    return name in ("session", "_session")


def read_module(name: str, source: str, *, path: str = "", is_package: bool = False) -> Module:
    """The imports and session queries of one module's source."""
    tree = ast.parse(source)
    imports: list[Import] = []
    queries: list[int] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imports += [Import(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = _resolve(name, is_package, node)
            imports.append(Import(base, node.lineno))
            imports += [Import(f"{base}.{alias.name}", node.lineno) for alias in node.names]
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
              and node.func.attr in SESSION_QUERIES and _is_session(node.func.value)):
            queries.append(node.lineno)
    return Module(name, path or name, tuple(imports), tuple(sorted(queries)))


def module_graph(root: Path = ROOT, packages: Iterable[str] = PACKAGES) -> list[Module]:
    """Every module of the given packages that exists under root (a missing package is skipped)."""
    modules = []
    for package in packages:
        if not (root / package).is_dir():
            continue  # e.g. `services` before the flows move there
        for file in sorted((root / package).rglob("*.py")):
            rel = file.relative_to(root)
            if "migrations" in rel.parts:
                continue  # Alembic scripts are storage's own and run outside the app
            name = ".".join(rel.with_suffix("").parts)
            is_package = file.name == "__init__.py"
            if is_package:
                name = name.removesuffix(".__init__")
            modules.append(read_module(name, file.read_text(encoding="utf-8"), path=str(rel),
                                       is_package=is_package))
    return modules


def _under(target: str, prefix: str) -> bool:
    return target == prefix or target.startswith(prefix + ".")


def upward_imports(modules: Iterable[Module],
                   forbidden: Mapping[str, tuple[str, ...]] = FORBIDDEN) -> list[str]:
    """'path:line: module imports target' for each import against the layer order."""
    found = []
    for module in modules:
        banned = forbidden.get(module.name.split(".")[0], ())
        seen = set()
        for imp in module.imports:
            hit = next((p for p in banned if _under(imp.target, p)), None)
            if hit and (imp.line, hit) not in seen:
                seen.add((imp.line, hit))
                found.append(f"{module.path}:{imp.line}: {module.name} imports {imp.target} "
                             f"({hit} is above {module.name.split('.')[0]})")
    return found


def sql_outside_storage(modules: Iterable[Module], pending: frozenset[str] = SQL_PENDING) -> list[str]:
    """'path:line: ...' for each query built or run outside storage."""
    found = []
    for module in modules:
        if module.name.split(".")[0] == "storage" or module.name in pending:
            continue
        for imp in module.imports:
            if (_under(imp.target, "sqlalchemy") and imp.target != "sqlalchemy"
                    and not any(_under(imp.target, ok) for ok in SQLALCHEMY_ALLOWED)):
                found.append(f"{module.path}:{imp.line}: {module.name} imports {imp.target}")
        found += [f"{module.path}:{line}: {module.name} queries the session directly"
                  for line in module.session_queries]
    return found


def test_packages_import_only_downward() -> None:
    modules = module_graph()
    assert {m.name for m in modules} >= {"domain", "knowledge", "storage", "bot", "handlers"}
    found = upward_imports(modules)
    assert not found, "upward imports:\n" + "\n".join(found)


def test_only_storage_builds_and_runs_queries() -> None:
    found = sql_outside_storage(module_graph())
    assert not found, "queries outside storage:\n" + "\n".join(found)


def test_no_stale_exemptions() -> None:
    modules = [m for m in module_graph() if m.name in SQL_PENDING]
    stale = [m.name for m in modules if not sql_outside_storage([m], frozenset())]
    assert not stale, f"no queries left in {stale}: remove them from SQL_PENDING"


def test_the_checker_reports_an_upward_import_with_its_line() -> None:
    fake = [
        read_module("domain.rules", "import datetime\nfrom knowledge import model\n"),
        read_module("storage.people", "from domain import names\n\n"
                    "def f():\n    from bot.settings import Settings\n", path="storage/people.py"),
        read_module("services.booking", "from storage import bookings\nfrom ..handlers import x\n"),
        read_module("knowledge", "from .model import Entry\nfrom . import storage\n", is_package=True),
        read_module("domain.hints", "from typing import TYPE_CHECKING\n"
                    "if TYPE_CHECKING:\n    import storage.models\n"),
        read_module("handlers.consult", "from bot.core import Event\nfrom storage import matters\n"),
    ]
    assert upward_imports(fake) == [
        "storage/people.py:4: storage.people imports bot.settings (bot is above storage)",
        "services.booking:2: services.booking imports handlers (handlers is above services)",
        "domain.hints:3: domain.hints imports storage.models (storage is above domain)",
    ]


def test_the_checker_reports_queries_outside_storage() -> None:
    fake = [
        read_module("bot.notices", "from sqlalchemy import select\nfrom sqlalchemy.exc import DBAPIError\n"
                    "async def f(session, ctx, d):\n    d.get(1)\n    await session.scalar(q)\n"
                    "    await ctx.session.get(M, 1)\n"),
        read_module("storage.people", "from sqlalchemy import select\nawait session.execute(q)\n"),
        read_module("handlers.cases", "await ctx.session.get(M, 1)\n"),
    ]
    assert sql_outside_storage(fake) == [
        "bot.notices:1: bot.notices imports sqlalchemy.select",
        "bot.notices:5: bot.notices queries the session directly",
        "bot.notices:6: bot.notices queries the session directly",
        "handlers.cases:1: handlers.cases queries the session directly",
    ]
    assert sql_outside_storage(fake, pending=frozenset({"handlers.cases"}))[-1].startswith(
        "bot.notices:6:")  # an exempted module is not reported


def test_the_checker_reads_packages_from_disk_and_skips_missing_ones(tmp_path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "services").mkdir()
    (tmp_path / "services" / "__init__.py").write_text("")
    (tmp_path / "services" / "booking.py").write_text(
        "from storage import bookings\nfrom bot.channels.telegram import app\n")
    (tmp_path / "storage").mkdir()
    (tmp_path / "storage" / "__init__.py").write_text("from . import outbox\n")
    modules = module_graph(tmp_path, ("domain", "storage", "services"))
    assert [m.name for m in modules] == ["storage", "services", "services.booking"]
    assert upward_imports(modules) == [
        "services/booking.py:2: services.booking imports bot.channels.telegram (bot is above services)",
    ]
