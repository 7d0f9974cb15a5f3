"""Changes staff make to the knowledge base from the chat (closing a knowledge gap), written
into its YAML files with comments, order and quoting kept (ruamel.yaml round trip).

A change is made on a copy first and validated with the very checks of `servicebot kb check`
(knowledge.loader.load_kb): a change that would break the KB is refused and nothing is
written. The file is replaced atomically, under a lock, so two workers never interleave.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from io import StringIO
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from knowledge.loader import KBError, default_kb_path, load_kb


class NoSuchItem(LookupError):
    pass


def _yaml() -> YAML:
    y = YAML()  # round trip
    y.preserve_quotes = True
    y.width = 4096  # never re-wrap a long line
    y.indent(mapping=2, sequence=4, offset=2)
    return y


def kb_files(root: Path) -> list[Path]:
    return sorted(p for p in root.glob("*.yaml") if p.is_file()) if root.is_dir() else [root]


@contextmanager
def _locked(root: Path) -> Iterator[None]:
    lock_path = (root if root.is_dir() else root.parent) / ".kb-edit.lock"
    with open(lock_path, "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _edit(root: Path | None, item_id: str, change: Callable[[CommentedMap], None]) -> Path:
    root = Path(root) if root is not None else default_kb_path()
    y = _yaml()
    with _locked(root):
        for path in kb_files(root):
            text = path.read_text(encoding="utf-8")
            if item_id not in text:
                continue
            doc = y.load(text)
            items = doc.get("items") if isinstance(doc, CommentedMap) else None
            for item in items or ():
                if isinstance(item, CommentedMap) and item.get("id") == item_id:
                    change(item)
                    out = StringIO()
                    y.dump(doc, out)
                    _validate(root, path, out.getvalue())
                    _replace(path, out.getvalue())
                    return path
        raise NoSuchItem(item_id)


def _validate(root: Path, path: Path, new_text: str) -> None:
    """load_kb over a copy of the KB with `path` replaced: raises KBError if it is broken."""
    with tempfile.TemporaryDirectory(prefix="kb-check-") as tmp:
        copy = Path(tmp)
        for other in kb_files(root):
            if other != path:
                shutil.copyfile(other, copy / other.name)
        (copy / path.name).write_text(new_text, encoding="utf-8")
        try:
            load_kb(copy if root.is_dir() else copy / path.name)
        except KBError as exc:  # name the real files, not the temporary copies
            raise KBError([replace(i, file=str(path.parent / Path(i.file).name))
                           for i in exc.issues]) from None


def _replace(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, path)


def _flow(values: list[str]) -> CommentedSeq:
    seq = CommentedSeq(values)
    seq.fa.set_flow_style()  # like the shipped files: aliases: [a, b, c]
    return seq


def _insert_after(item: CommentedMap, after: str, key: str, value: Any) -> None:
    keys = list(item.keys())
    item.insert(keys.index(after) + 1 if after in keys else len(keys), key, value)


def _merge_aliases(item: CommentedMap, aliases: list[str]) -> list[str]:
    have = item.get("aliases")
    known = {str(a) for a in have or ()} | {str(item.get("name"))}
    new = [a for a in dict.fromkeys(aliases) if a and a not in known]
    if new and have is None:
        _insert_after(item, "name", "aliases", _flow(new))
    elif new:
        have.extend(new)
    return new


def add_aliases(root: Path | None, item_id: str, aliases: list[str]) -> list[str]:
    """Add `aliases` the item does not have yet; returns those added (validated, written)."""
    added: list[str] = []
    _edit(root, item_id, lambda item: added.extend(_merge_aliases(item, aliases)))
    return added


def add_faq(root: Path | None, item_id: str, question: str, answer: str,
            aliases: Sequence[str] = ()) -> None:
    """Add a FAQ entry to an item, and `aliases` so the matcher leads such questions to it."""

    def change(item: CommentedMap) -> None:
        entry = CommentedMap([("q", question), ("a", answer)])
        if item.get("faq") is None:
            _insert_after(item, "steps", "faq", CommentedSeq([entry]))
        else:
            item["faq"].append(entry)
        _merge_aliases(item, list(aliases))

    _edit(root, item_id, change)
