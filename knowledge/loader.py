"""Load and validate a knowledge base (one YAML file or a directory of them).

The format is described in shared/kb-format.md. Validation is strict — unknown
fields are errors, so a typo never silently drops data — and exhaustive: every
problem in every file is collected and reported at once, each naming the file,
the item id and the line, as `file:line: item-id: message`.

Line numbers come from PyYAML's composed node tree (`yaml.compose`), which keeps
the position of every key and value; the tree is then converted and checked by
hand instead of going through `yaml.safe_load`, which would lose them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import ConstructorError, SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from knowledge import loader_more, loader_records
from knowledge.loader_records import FAQ_FIELDS, MATERIAL_FIELDS  # noqa: F401 (part of the API)
from knowledge.model import (
    KINDS,
    KINDS_NEEDING_TIME_LIMIT,
    Center,
    Item,
    KnowledgeBase,
    Referral,
)

ID_PATTERN = re.compile(r"[a-z0-9-]+")
DEPARTMENT_CODE = re.compile(r"^[a-z][a-z0-9_-]{0,31}$")

TOP_FIELDS = ("center", "items", "referrals")
CENTER_FIELDS = ("name", "address", "phone", "hours", "en")
CENTER_REQUIRED = ("name",)
ITEM_FIELDS = (
    "id", "name", "aliases", "keywords", "category", "department", "window", "kind",
    "time_limit_workdays", "fee", "basis", "conditions", "materials", "steps", "faq",
    "online", "appointment", "department_code", "en",
)
ITEM_REQUIRED = ("id", "name", "kind")
ITEM_TEXT_FIELDS = ("category", "department", "window", "fee", "online")
ITEM_LIST_FIELDS = ("aliases", "keywords", "basis", "conditions", "steps")

# libyaml's parser when PyYAML was built with it: same nodes and marks, much faster.
_COMPOSER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

NO_ID = "-"  # shown in place of the item id when the problem is not inside an item


def default_kb_path() -> Path:
    """The knowledge base shipped with the product: the knowledge/data directory."""
    return Path(__file__).resolve().parent / "data"


@dataclass(frozen=True)
class KBIssue:
    """One validation problem, located as precisely as the parser allows."""

    file: str
    item_id: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.item_id}: {self.message}"


class KBError(Exception):
    """The knowledge base is invalid; `issues` lists every problem found."""

    def __init__(self, issues: list[KBIssue]) -> None:
        self.issues = list(issues)
        super().__init__("\n".join(str(issue) for issue in self.issues))


def load_kb(path: str | Path | None = None) -> KnowledgeBase:
    """Load, validate and merge a knowledge base; raise KBError listing all problems."""
    root = Path(path) if path is not None else default_kb_path()
    if root.is_dir():
        files = sorted(p for p in root.glob("*.yaml") if p.is_file())
        if not files:
            raise KBError([KBIssue(str(root), NO_ID, None, "no *.yaml files in directory")])
    elif root.is_file():
        files = [root]
    else:
        raise KBError([KBIssue(str(root), NO_ID, None, "no such file or directory")])

    issues: list[KBIssue] = []
    items: list[Item] = []
    center: Center | None = None
    center_at: str | None = None
    first_seen: dict[str, str] = {}  # id -> "file:line" of its first definition
    located: list[tuple[Item, str, int]] = []  # for the checks across files
    referrals: list[tuple[Referral, str, int]] = []

    for file in files:
        parsed = _FileParser(str(file), issues).parse()
        if parsed.center is not None:
            if center_at is not None:
                issues.append(KBIssue(str(file), "center", parsed.center_line,
                                      f"center defined more than once (first at {center_at})"))
            else:
                center, center_at = parsed.center, f"{file}:{parsed.center_line}"
        for item, line in parsed.items:
            here = f"{file}:{line}"
            if item.id in first_seen:
                issues.append(KBIssue(str(file), item.id, line,
                                      f"duplicate id (also defined at {first_seen[item.id]})"))
                continue
            first_seen[item.id] = here
            items.append(item)
            located.append((item, str(file), line))
        referrals += [(ref, str(file), line) for ref, line in parsed.referrals]
    issues += loader_more.cross_checks(located, referrals)

    if issues:
        order = {str(file): n for n, file in enumerate(files)}
        issues.sort(key=lambda i: (order.get(i.file, -1), i.line or 0))
        raise KBError(issues)
    return KnowledgeBase(items=tuple(items), center=center,
                         referrals=tuple(ref for ref, _, _ in referrals))


@dataclass
class _ParsedFile:
    center: Center | None
    center_line: int | None
    items: list[tuple[Item, int]]
    referrals: list[tuple[Referral, int]] = field(default_factory=list)


class _FileParser:
    """Validate one YAML file, appending every problem to `issues`."""

    def __init__(self, file: str, issues: list[KBIssue]) -> None:
        self.file = file
        self.issues = issues
        self._constructor = SafeConstructor()

    # -- reporting ---------------------------------------------------------
    def _error(self, node: Node | None, item_id: str, message: str) -> None:
        line = node.start_mark.line + 1 if node is not None else None
        self.issues.append(KBIssue(self.file, item_id, line, message))

    # -- entry point -------------------------------------------------------
    def parse(self) -> _ParsedFile:
        result = _ParsedFile(center=None, center_line=None, items=[])
        try:
            text = Path(self.file).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            self.issues.append(KBIssue(self.file, NO_ID, None, f"cannot read file: {exc}"))
            return result
        try:
            root = yaml.compose(text, Loader=_COMPOSER)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
            line = mark.line + 1 if mark is not None else None
            problem = getattr(exc, "problem", None) or str(exc)
            self.issues.append(KBIssue(self.file, NO_ID, line, f"YAML syntax error: {problem}"))
            return result
        if root is None:  # an empty file contributes nothing
            return result
        top = self._mapping(root, NO_ID, "top level", TOP_FIELDS)
        if top is None:
            return result
        if "center" in top:
            key, node = top["center"]
            result.center = self._center(node)
            result.center_line = key.start_mark.line + 1
        result.items = self._entries(top, "items", self._item)
        result.referrals = self._entries(top, "referrals",
                                         lambda node, index: loader_more.referral(self, node, index))
        return result

    def _entries(self, top: dict[str, tuple[Node, Node]], key: str,
                 read: Callable[[Node, int], Any]) -> list[tuple[Any, int]]:
        """The entries of the list under `key` that read without errors, with their lines."""
        if key not in top:
            return []
        node = top[key][1]
        if not isinstance(node, SequenceNode):
            self._error(node, NO_ID, f"{key} must be a list")
            return []
        read_well = []
        for index, entry_node in enumerate(node.value):
            entry = read(entry_node, index)
            if entry is not None:
                read_well.append((entry, entry_node.start_mark.line + 1))
        return read_well

    # -- generic helpers ---------------------------------------------------
    def _mapping(
        self, node: Node, item_id: str, what: str, allowed: tuple[str, ...]
    ) -> dict[str, tuple[Node, Node]] | None:
        """Return {key: (key_node, value_node)}, reporting non-mappings, unknown and repeated keys."""
        if not isinstance(node, MappingNode):
            self._error(node, item_id, f"{what} must be a mapping")
            return None
        fields: dict[str, tuple[Node, Node]] = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, ScalarNode) else None
            if key not in allowed:
                self._error(key_node, item_id, f"unknown field {key!r} in {what}"
                            f" (allowed: {', '.join(allowed)})")
            elif key in fields:
                self._error(key_node, item_id, f"field {key!r} repeated in {what}")
            else:
                fields[key] = (key_node, value_node)
        return fields

    def _entry(
        self, node: Node, fallback: str, what: str, allowed: tuple[str, ...],
        required: tuple[str, ...],
    ) -> tuple[str, dict[str, tuple[Node, Node]], int, dict[str, Any]] | None:
        """Start on one entry of a list (an item, a referral): its id, found first so that every
        error can name it (`fallback`, its place in the list, when it has none), its fields,
        how many errors there were before it, and its values so far (the id, if well formed).
        None when it is no mapping."""
        entry_id = fallback
        if isinstance(node, MappingNode):
            for key_node, value_node in node.value:
                if getattr(key_node, "value", None) == "id" and isinstance(value_node, ScalarNode):
                    raw = self._scalar(value_node)
                    if isinstance(raw, str) and raw:
                        entry_id = raw
        fields = self._mapping(node, entry_id, what, allowed)
        if fields is None:
            return None
        errors_before = len(self.issues)
        self._missing(node, entry_id, what, fields, required)
        values: dict[str, Any] = {}
        if "id" in fields:
            value_node = fields["id"][1]
            raw = self._scalar(value_node)
            if not isinstance(raw, str) or not ID_PATTERN.fullmatch(raw):
                self._error(value_node, entry_id,
                            f"id {raw!r} must be lowercase letters, digits and '-' ([a-z0-9-]+)")
            else:
                values["id"] = raw
        return entry_id, fields, errors_before, values

    def _scalar(self, node: Node) -> Any:
        try:
            return self._constructor.construct_object(node, deep=True)
        except ConstructorError as exc:
            return exc

    def _text(self, node: Node, item_id: str, field: str, *, required: bool = False) -> str | None:
        """A free-text value; numbers are accepted as text (`window: 3`)."""
        value = self._scalar(node) if isinstance(node, ScalarNode) else node
        if value is None:
            if required:
                self._error(node, item_id, f"{field} must not be empty")
            return None
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            self._error(node, item_id, f"{field} must be a string")
            return None
        text = str(value).strip()
        if required and not text:
            self._error(node, item_id, f"{field} must not be empty")
            return None
        return text

    def _text_list(self, node: Node, item_id: str, field: str) -> tuple[str, ...]:
        if isinstance(node, ScalarNode) and self._scalar(node) is None:
            return ()
        if not isinstance(node, SequenceNode):
            self._error(node, item_id, f"{field} must be a list of strings")
            return ()
        values = []
        for element in node.value:
            text = self._text(element, item_id, f"{field} entry", required=True)
            if text is not None:
                values.append(text)
        return tuple(values)

    def _records(
        self, node: Node, item_id: str, field: str, build: Callable[[Node], Any]
    ) -> tuple[Any, ...]:
        if isinstance(node, ScalarNode) and self._scalar(node) is None:
            return ()
        if not isinstance(node, SequenceNode):
            self._error(node, item_id, f"{field} must be a list")
            return ()
        built = (build(element) for element in node.value)
        return tuple(record for record in built if record is not None)

    def _missing(self, node: Node, item_id: str, what: str, fields: dict, required) -> bool:
        missing = [name for name in required if name not in fields]
        for name in missing:
            self._error(node, item_id, f"missing required field {name!r} in {what}")
        return bool(missing)

    # -- the sections ------------------------------------------------------
    def _center(self, node: Node) -> Center | None:
        fields = self._mapping(node, "center", "center", CENTER_FIELDS)
        if fields is None:
            return None
        bad = self._missing(node, "center", "center", fields, CENTER_REQUIRED)
        values: dict[str, Any] = {}
        if "en" in fields:
            values["en"] = loader_more.center_text(self, fields.pop("en")[1])
        for name, (_, value_node) in fields.items():
            text = self._text(value_node, "center", name, required=name == "name")
            if text is None:
                bad = bad or name == "name"
            else:
                values[name] = text
        return None if bad else Center(**values)

    def _item(self, node: Node, index: int) -> Item | None:
        entry = self._entry(node, f"items[{index}]", "item", ITEM_FIELDS, ITEM_REQUIRED)
        if entry is None:
            return None
        item_id, fields, errors_before, values = entry
        if "name" in fields:
            values["name"] = self._text(fields["name"][1], item_id, "name", required=True)
        if "kind" in fields:
            value_node = fields["kind"][1]
            kind = self._scalar(value_node)
            if kind not in KINDS:
                self._error(value_node, item_id,
                            f"kind {kind!r} must be one of {' | '.join(KINDS)}")
            else:
                values["kind"] = kind
        if "time_limit_workdays" in fields:
            value_node = fields["time_limit_workdays"][1]
            limit = self._scalar(value_node)
            if limit is None and values.get("kind") not in KINDS_NEEDING_TIME_LIMIT:
                pass
            elif isinstance(limit, bool) or not isinstance(limit, int):
                self._error(value_node, item_id,
                            f"time_limit_workdays must be a whole number of working days,"
                            f" got {limit!r}")
            elif limit < 0:
                self._error(value_node, item_id,
                            f"time_limit_workdays must not be negative, got {limit}")
            else:
                values["time_limit_workdays"] = limit
        if values.get("kind") in KINDS_NEEDING_TIME_LIMIT and (
            "time_limit_workdays" not in fields or self._scalar(fields["time_limit_workdays"][1])
            is None
        ):
            self._error(fields["kind"][1], item_id,
                        f"time_limit_workdays is required for kind {values['kind']}")
        for name in ITEM_TEXT_FIELDS:
            if name in fields:
                text = self._text(fields[name][1], item_id, name)
                if text is not None:
                    values[name] = text
        for name in ITEM_LIST_FIELDS:
            if name in fields:
                values[name] = self._text_list(fields[name][1], item_id, name)
        if "materials" in fields:
            values["materials"] = self._records(
                fields["materials"][1], item_id, "materials",
                lambda n: loader_records.material(self, n, item_id))
        if "faq" in fields:
            values["faq"] = self._records(
                fields["faq"][1], item_id, "faq", lambda n: loader_records.faq(self, n, item_id))
        if "appointment" in fields:
            value_node = fields["appointment"][1]
            flag = self._scalar(value_node)
            if not isinstance(flag, bool):
                self._error(value_node, item_id, f"appointment must be true or false, got {flag!r}")
            else:
                values["appointment"] = flag
        if "en" in fields:
            values["en"] = loader_more.item_text(self, fields["en"][1], item_id, values)

        if "department_code" in fields:
            # the code of a department declared in the center's configuration (checked
            # against that registry when the bot starts: the KB alone does not know it)
            value_node = fields["department_code"][1]
            code = self._scalar(value_node)
            if not isinstance(code, str) or not DEPARTMENT_CODE.match(code):
                self._error(value_node, item_id, f"department_code {code!r} must be a code of"
                            " a-z, 0-9, _ or - starting with a letter (e.g. minzheng)")
            else:
                values["department_code"] = code

        if len(self.issues) > errors_before:
            return None
        return Item(source=self.file, **values)
