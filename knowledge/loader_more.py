"""The parts of the knowledge-base format that came later: English text (`en:` blocks on
items and referrals) and referrals (转介) — services the center does not handle, with who
does. Validated as strictly as items (unknown fields are errors, every problem is reported
with file, line and id); see shared/kb-format.md.

The functions take the loader's `_FileParser` (its `_mapping`, `_text`, `_text_list`,
`_error` helpers) so the messages look like every other one of `servicebot kb check`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from yaml.nodes import Node, SequenceNode

from knowledge.model import (
    REFERRAL_PREFIX,
    CenterText,
    Faq,
    Item,
    ItemText,
    KnowledgeBase,
    MaterialText,
    Referral,
    ReferralText,
)

if TYPE_CHECKING:
    from knowledge.loader import KBIssue, _FileParser

ITEM_TEXT_FIELDS = ("name", "category", "fee", "window", "conditions", "steps", "materials",
                    "faq")
MATERIAL_TEXT_FIELDS = ("name", "note", "when")
FAQ_TEXT_FIELDS = ("q", "a")
CENTER_TEXT_FIELDS = ("name", "address", "phone", "hours")
REFERRAL_FIELDS = ("id", "name", "aliases", "keywords", "category", "office", "address", "phone",
                   "hours", "online", "bring", "note", "example", "en")
REFERRAL_REQUIRED = ("id", "name", "office")
REFERRAL_TEXT_FIELDS = ("category", "address", "phone", "hours", "online", "note")
REFERRAL_EN_FIELDS = ("name", "office", "address", "phone", "hours", "online", "bring", "note")


def center_text(parser: _FileParser, node: Node) -> CenterText | None:
    """The center block's `en:` (name, address, phone, hours in English)."""
    fields = parser._mapping(node, "center", "en", CENTER_TEXT_FIELDS)
    if fields is None:
        return None
    values = {name: parser._text(value, "center", f"en {name}", required=True)
              for name, (_, value) in fields.items()}
    return None if any(v is None for v in values.values()) else CenterText(**values)


def item_text(parser: _FileParser, node: Node, item_id: str, values: dict[str, Any]
              ) -> ItemText | None:
    """An item's `en:` block. Lists must run parallel to the item's own: a translation that
    drifted out of step would put the wrong English beside a material."""
    fields = parser._mapping(node, item_id, "en", ITEM_TEXT_FIELDS)
    if fields is None:
        return None
    out: dict[str, Any] = {}
    for name in ("name", "category", "fee", "window"):
        if name in fields:
            out[name] = parser._text(fields[name][1], item_id, f"en {name}", required=True)
    for name in ("category", "window"):
        if name in fields and values.get(name) is None:
            parser._error(fields[name][0], item_id, f"en {name} given but the item has none")
    for name in ("conditions", "steps"):
        if name in fields:
            texts = parser._text_list(fields[name][1], item_id, f"en {name}")
            _same_length(parser, fields[name][1], item_id, f"en {name}", texts,
                         values.get(name, ()))
            out[name] = texts
    if "materials" in fields:
        materials = values.get("materials", ())
        node_m = fields["materials"][1]
        texts = parser._records(node_m, item_id, "en materials",
                                lambda n: _material_text(parser, n, item_id))
        if _same_length(parser, node_m, item_id, "en materials", texts, materials):
            _check_materials(parser, node_m, item_id, texts, materials)
        out["materials"] = texts
    if "faq" in fields:
        node_f = fields["faq"][1]
        texts = parser._records(node_f, item_id, "en faq", lambda n: _faq_text(parser, n, item_id))
        # a FAQ added later in Chinese (e.g. from /gaps) may wait for its translation: the
        # English list may be shorter, never longer, and its entries stay in order
        if len(texts) > len(values.get("faq", ())):
            _same_length(parser, node_f, item_id, "en faq", texts, values.get("faq", ()))
        out["faq"] = texts
    if any(v is None for v in out.values()):
        return None
    return ItemText(**out)


def _same_length(parser: _FileParser, node: Node, item_id: str, what: str,
                 texts: tuple, originals: tuple) -> bool:
    if len(texts) != len(originals):
        parser._error(node, item_id, f"{what} has {len(texts)} entries, the original has"
                                     f" {len(originals)} (one translation per entry, in order)")
        return False
    return True


def _material_text(parser: _FileParser, node: Node, item_id: str) -> MaterialText | None:
    fields = parser._mapping(node, item_id, "en material", MATERIAL_TEXT_FIELDS)
    if fields is None:
        return None
    if "name" not in fields:
        parser._error(node, item_id, "missing required field 'name' in en material")
        return None
    values = {name: parser._text(value, item_id, f"en material {name}", required=True)
              for name, (_, value) in fields.items()}
    if any(v is None for v in values.values()):
        return None
    return MaterialText(**values)


def _check_materials(parser: _FileParser, node: Node, item_id: str,
                     texts: tuple[MaterialText, ...], materials: tuple) -> None:
    """A note or situation only where the material has one; one situation, one English."""
    situations: dict[str, str | None] = {}
    for index, (text, material) in enumerate(zip(texts, materials, strict=True)):
        element = node.value[index] if isinstance(node, SequenceNode) else node
        for name in ("note", "when"):
            if getattr(text, name) and not getattr(material, name):
                parser._error(element, item_id, f"en materials[{index}] has a {name} but"
                                                f" material {material.name!r} has none")
        if material.when:  # one situation is one choice: the same English every time
            first = situations.setdefault(material.when, text.when)
            if first != text.when:
                parser._error(element, item_id, f"situation {material.when!r} is translated"
                                                f" both {first!r} and {text.when!r}")


def _faq_text(parser: _FileParser, node: Node, item_id: str) -> Faq | None:
    fields = parser._mapping(node, item_id, "en faq entry", FAQ_TEXT_FIELDS)
    if fields is None:
        return None
    missing = [name for name in FAQ_TEXT_FIELDS if name not in fields]
    for name in missing:
        parser._error(node, item_id, f"missing required field {name!r} in en faq entry")
    values = {name: parser._text(value, item_id, f"en faq {name}", required=True)
              for name, (_, value) in fields.items()}
    if missing or any(v is None for v in values.values()):
        return None
    return Faq(**values)


def referral(parser: _FileParser, node: Node, index: int) -> Referral | None:
    """One entry of `referrals:`."""
    entry = parser._entry(node, f"referrals[{index}]", "referral", REFERRAL_FIELDS,
                          REFERRAL_REQUIRED)
    if entry is None:
        return None
    ref_id, fields, errors_before, values = entry
    for name in ("name", "office"):
        if name in fields:
            values[name] = parser._text(fields[name][1], ref_id, name, required=True)
    for name in REFERRAL_TEXT_FIELDS:
        if name in fields:
            text = parser._text(fields[name][1], ref_id, name)
            if text is not None:
                values[name] = text
    for name in ("aliases", "keywords", "bring"):
        if name in fields:
            values[name] = parser._text_list(fields[name][1], ref_id, name)
    if not any(name in fields for name in ("address", "phone", "online")):
        parser._error(node, ref_id, "a referral must say how to reach the office:"
                                    " address, phone or online")
    if "example" in fields:
        flag = parser._scalar(fields["example"][1])
        if not isinstance(flag, bool):
            parser._error(fields["example"][1], ref_id, f"example must be true or false, got {flag!r}")
        else:
            values["example"] = flag
    if "en" in fields:
        values["en"] = _referral_text(parser, fields["en"][1], ref_id, values)
    if len(parser.issues) > errors_before or any(v is None for v in values.values()):
        return None
    return Referral(source=parser.file, **values)


def _referral_text(parser: _FileParser, node: Node, ref_id: str, values: dict[str, Any]
                   ) -> ReferralText | None:
    fields = parser._mapping(node, ref_id, "en", REFERRAL_EN_FIELDS)
    if fields is None:
        return None
    out: dict[str, Any] = {}
    for name, (key_node, value_node) in fields.items():
        if name == "bring":
            out[name] = parser._text_list(value_node, ref_id, "en bring")
            _same_length(parser, value_node, ref_id, "en bring", out[name], values.get("bring", ()))
            continue
        out[name] = parser._text(value_node, ref_id, f"en {name}", required=True)
        if name not in ("name", "office") and values.get(name) is None:
            parser._error(key_node, ref_id, f"en {name} given but the referral has no {name}")
    if any(v is None for v in out.values()):
        return None
    return ReferralText(**out)


def cross_checks(kb_items: list[tuple[Item, str, int]],
                 referrals: list[tuple[Referral, str, int]]) -> list[KBIssue]:
    """Checks across files: one English name per category (the guide groups by it), and
    referral ids distinct from each other and from item ids (`ref:` names them in logs)."""
    from knowledge.loader import KBIssue
    issues: list[KBIssue] = []
    categories: dict[str, tuple[str, str]] = {}
    for item, file, line in kb_items:
        english = item.en.category if item.en else None
        if item.category and english:
            first = categories.setdefault(item.category, (english, f"{file}:{line}"))
            if first[0] != english:
                issues.append(KBIssue(file, item.id, line,
                                      f"category {item.category!r} is translated {english!r} here"
                                      f" and {first[0]!r} at {first[1]}"))
    seen = {item.id: f"{file}:{line}" for item, file, line in kb_items}
    for ref, file, line in referrals:
        if ref.id in seen:
            issues.append(KBIssue(file, REFERRAL_PREFIX + ref.id, line,
                                  f"duplicate id (also defined at {seen[ref.id]})"))
        else:
            seen[ref.id] = f"{file}:{line}"
    return issues


def with_referrals(kb: KnowledgeBase, referrals: list[Referral]) -> KnowledgeBase:
    return KnowledgeBase(items=kb.items, center=kb.center, referrals=tuple(referrals))
