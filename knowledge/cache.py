"""A disk cache for tables the matcher derives from files at start-up.

Reading jieba's 5 MB dictionary, parsing and checking the lexicon's YAML and working
out English word forms with the lemmatizer cost more than the matcher's whole index
build, and give the same result until their files change. Each is kept as one
`marshal` file (fast to read, no code executed) under `$XDG_CACHE_HOME/servicebot`
(default `~/.cache/servicebot`), named by a hash of what it was built from: the path,
size and modification time of every source file and a version string. A changed source,
a damaged or absent file, or an unwritable folder simply means building again.
"""

from __future__ import annotations

import hashlib
import importlib.util
import marshal
import os
import sys
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

CACHE_VERSION = "1"  # bump when the meaning of any cached table changes


def cached(name: str, sources: Iterable[Path], version: str, build: Callable[[], Any]) -> Any:
    """`build()`'s value (marshal-able: dicts, lists, tuples, sets, str, numbers),
    from the cache when it was built from exactly these sources."""
    path = _cache_file(name, sources, version)
    if path is not None:
        try:
            return marshal.loads(path.read_bytes())
        except (OSError, ValueError, EOFError, TypeError):
            pass  # absent or damaged: build it again
    value = build()
    if path is not None:
        _write_atomically(path, marshal.dumps(value))
    return value


def package_file(name: str) -> Path:
    """A package's `__init__.py`, found without importing it: as a cache source, it
    stands for the installed version of the package."""
    spec = importlib.util.find_spec(name)
    if spec is None or spec.origin is None:
        raise ModuleNotFoundError(f"the {name} package is required (pip install {name})")
    return Path(spec.origin).resolve()


def cache_folder() -> Path:
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "servicebot"


def _cache_file(name: str, sources: Iterable[Path], version: str) -> Path | None:
    parts = [CACHE_VERSION, sys.version.split()[0], version]  # marshal's format may change
    try:
        for source in sorted(sources):
            stat = source.stat()
            parts.append(f"{source.resolve()}|{stat.st_size}|{stat.st_mtime_ns}")
    except OSError:
        return None
    digest = hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]
    return cache_folder() / f"{name}-{digest}.marshal"


def _write_atomically(path: Path, data: bytes) -> None:
    """Several processes may start at once: each writes its own file and renames it."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(tmp, path)
    except OSError:
        pass  # a read-only home: built again next time
