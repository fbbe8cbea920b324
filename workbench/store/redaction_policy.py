"""The user's redaction policy: ``redaction-policy.json`` in the app's home folder.

Absent means the default policy (:class:`~workbench.core.redaction.RedactionPolicy`).
The file has the policy's ``to_dict`` shape, e.g.::

    {"personal_paths": {"email": ["**.*email*"], "loyalty": ["**.loyalty_card"]},
     "detect_values": true}

Support bundles and the window's "hide personal data" switch both read it, so one
policy decides what counts as personal everywhere.
"""

from __future__ import annotations

import json
from pathlib import Path

from workbench.core.redaction import RedactionPolicy

__all__ = ["POLICY_FILE", "PolicyError", "load_policy"]

POLICY_FILE = "redaction-policy.json"


class PolicyError(ValueError):
    """The policy file cannot be used; the message names the file and the field."""


def load_policy(path: Path) -> RedactionPolicy:
    """Read a policy file (a missing file is the default policy)."""
    if not path.exists():
        return RedactionPolicy()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, OSError, UnicodeDecodeError) as exc:
        raise PolicyError(f"{path}: not a readable JSON file: {exc}") from None
    if not isinstance(data, dict):
        raise PolicyError(f"{path}: expected a JSON object")
    try:
        return RedactionPolicy.from_dict(data)
    except ValueError as exc:
        raise PolicyError(f"{path}: {exc}") from None
