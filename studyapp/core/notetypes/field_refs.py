"""A template's references to a field, renamed or removed, as Anki does when a field is renamed or removed.

A reference is any ``{{…}}`` whose key (the part after the last ``:``) is the field's name: a replacement
``{{Field}}``, a filtered one ``{{hint:Field}}`` / ``{{cloze:Field}}``, or a section's tags ``{{#Field}}``,
``{{^Field}}``, ``{{/Field}}``. Renaming changes the key and keeps everything else of the tag as written.
Removing drops the replacements and the section tags, keeping what a section held (as Anki does). Names
match exactly, like the template language (case and inner spaces count). Pure text in, text out.
"""

from __future__ import annotations

import re

_HANDLE = re.compile(r"\{\{([^{}]*)\}\}")


def _parts(handle: str) -> tuple[str, str, str] | None:
    """(prefix, key, suffix) of a handle's text, the key stripped of the spaces around it; None: no key."""
    body = handle.strip()
    if not body:
        return None
    lead = handle[: len(handle) - len(handle.lstrip())]
    trail = handle[len(handle.rstrip()) :]
    marker = body[0] if body[0] in "#^/" and len(body) >= 2 else ""
    rest = body[len(marker) :]
    colon = rest.rfind(":")
    head, key = (rest[: colon + 1], rest[colon + 1 :]) if colon >= 0 else ("", rest)
    key_lead = key[: len(key) - len(key.lstrip())]
    key_trail = key[len(key.rstrip()) :]
    return lead + marker + head + key_lead, key.strip(), key_trail + trail


def rename_field_refs(fmt: str, old: str, new: str) -> str:
    """``fmt`` with every reference to the field ``old`` naming ``new`` instead."""

    def replace(match: re.Match[str]) -> str:
        parts = _parts(match.group(1))
        if parts is None or parts[1] != old:
            return match.group(0)
        return "{{" + parts[0] + new + parts[2] + "}}"

    return _HANDLE.sub(replace, fmt)


def remove_field_refs(fmt: str, name: str) -> str:
    """``fmt`` without the replacements of the field ``name`` and without its section tags (their content stays)."""

    def replace(match: re.Match[str]) -> str:
        parts = _parts(match.group(1))
        return "" if parts is not None and parts[1] == name else match.group(0)

    return _HANDLE.sub(replace, fmt)


def refers_to(fmt: str, name: str) -> bool:
    """Whether ``fmt`` has a reference to the field ``name``."""
    return any((parts := _parts(m.group(1))) is not None and parts[1] == name for m in _HANDLE.finditer(fmt))


__all__ = ["refers_to", "remove_field_refs", "rename_field_refs"]
