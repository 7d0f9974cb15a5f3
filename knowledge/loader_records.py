"""An item's materials and FAQ entries, validated for the loader (knowledge/loader.py): the
same `_FileParser` helpers, so the messages read like every other of `servicebot kb check`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from yaml.nodes import Node

from knowledge.model import FORMS, Faq, Material

if TYPE_CHECKING:
    from knowledge.loader import _FileParser

MATERIAL_FIELDS = ("name", "form", "copies", "note", "when")
FAQ_FIELDS = ("q", "a")


def material(parser: _FileParser, node: Node, item_id: str) -> Material | None:
    fields = parser._mapping(node, item_id, "material", MATERIAL_FIELDS)
    if fields is None:
        return None
    errors_before = len(parser.issues)
    parser._missing(node, item_id, "material", fields, ("name",))
    values: dict[str, Any] = {}
    for name in ("name", "note", "when"):
        if name in fields:
            text = parser._text(fields[name][1], item_id, f"material {name}",
                                required=name == "name")
            if text is not None:
                values[name] = text
    if "form" in fields:
        value_node = fields["form"][1]
        form = parser._scalar(value_node)
        if form is not None and form not in FORMS:
            parser._error(value_node, item_id,
                          f"material form {form!r} must be one of {' | '.join(FORMS)}")
        elif form is not None:
            values["form"] = form
    if "copies" in fields:
        value_node = fields["copies"][1]
        copies = parser._scalar(value_node)
        if copies is None:
            pass
        elif isinstance(copies, bool) or not isinstance(copies, int) or copies <= 0:
            parser._error(value_node, item_id,
                          f"material copies must be a positive whole number, got {copies!r}")
        else:
            values["copies"] = copies
    if len(parser.issues) > errors_before:
        return None
    return Material(**values)


def faq(parser: _FileParser, node: Node, item_id: str) -> Faq | None:
    fields = parser._mapping(node, item_id, "faq entry", FAQ_FIELDS)
    if fields is None:
        return None
    errors_before = len(parser.issues)
    parser._missing(node, item_id, "faq entry", fields, FAQ_FIELDS)
    values = {}
    for name, (_, value_node) in fields.items():
        text = parser._text(value_node, item_id, f"faq {name}", required=True)
        if text is not None:
            values[name] = text
    if len(parser.issues) > errors_before:
        return None
    return Faq(**values)
