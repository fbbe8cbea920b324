"""A cheap "certainly valid?" test for tracker payloads, in front of the JSON Schema.

jsonschema costs ~80 µs for the documented full payload, about as much as the
rest of a request. Most payloads are valid, so the collector first asks
:func:`certainly_valid`: ``tracker-payload.schema.json`` compiled once into
plain ``isinstance`` checks (:func:`workbench.core.flow.fastcheck.compile_check`,
which follows the schema's ``$defs`` references), answering True only when the
schema would accept the document. Anything else (False) goes through the real
validator, which alone decides what is wrong and how to say it. A test checks
the two agree.
"""

from __future__ import annotations

from workbench.core.flow.fastcheck import Check, compile_check
from workbench.core.validation import payload_schema

__all__ = ["certainly_valid"]


def _compiled() -> Check:
    check = compile_check(payload_schema())
    if check is None:  # pragma: no cover - a test keeps the schema inside the vocabulary
        raise RuntimeError("the tracker payload schema uses keywords the fast check cannot compile")
    return check


#: True only if the payload schema accepts the document (False means "ask the schema").
certainly_valid: Check = _compiled()
