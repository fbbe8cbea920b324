"""Consistent redaction of secrets and personal data: :class:`RedactionPolicy`, :class:`Redactor`.

One policy says which values are secret (keys and headers the masking module
knows: ``Authorization``, cookies, ``password``, ``token``…, URL credentials)
and which are personal data: path patterns per category (e-mail, phone, name,
IP address, other personal fields), matched case-insensitively against the
path of each value. A pattern is dot-separated; ``*`` inside a segment is a
glob (``*email*``), ``**`` any number of segments, and list elements are
skipped (``**.email`` matches ``events[2].properties.email``). Besides paths,
any string that *is* an e-mail or a public IP address counts as personal, and
e-mail addresses inside free text are found too.

A :class:`Redactor` replaces every such value with a placeholder that is the
same wherever the value occurs (``person-1@redacted.invalid``, ``192.0.2.1``,
``<name-1>``, ``<secret-1>``), so correlations survive: the same e-mail in a
payload, a profile and an event gets the same stand-in. Placeholders for
e-mails and IPs keep their shape, so a redacted payload still validates and can
be replayed. After the structured pass, :meth:`Redactor.text` replaces the
known values where they hide in text: raw JSON bodies, URLs (percent- and
plus-encoded), JSON-escaped strings and base64. :meth:`Redactor.leaks` checks
a blob for every known value in all those encodings.

Values shorter than :data:`MIN_SEARCH_LENGTH` characters are replaced where
they stand but not searched for inside text (they would match everywhere).
"""

from __future__ import annotations

import base64
import fnmatch
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import Any
from urllib.parse import parse_qsl, quote, quote_plus, urlencode, urlsplit, urlunsplit

from workbench.core.masking import is_secret_name

__all__ = [
    "DEFAULT_PERSONAL_PATHS",
    "MIN_SEARCH_LENGTH",
    "RedactionPolicy",
    "Redactor",
    "encodings_of",
]

MIN_SEARCH_LENGTH = 4

DEFAULT_PERSONAL_PATHS: dict[str, tuple[str, ...]] = {
    "email": ("**.*email*", "**.mail", "**.e-mail"),
    "phone": ("**.*phone*", "**.mobile", "**.fax", "**.msisdn"),
    "name": (
        *("**.firstname", "**.lastname", "**.first_name", "**.last_name", "**.fullname"),
        *("**.full_name", "**.surname", "**.given_name", "**.family_name", "**.display_name"),
        *("**.displayname", "**.username", "**.pii.name", "**.contact.name", "**.traits.name"),
    ),
    "ip": (
        *("**.ip", "**.ip_address", "**.ipaddress", "**.remote_addr", "**.client_ip"),
        *("**.x-forwarded-for", "**.x-real-ip", "**.cf-connecting-ip", "**.forwarded"),
        "**.serveripaddress",
    ),
    "personal": (
        *("**.pii.*", "**.birthday", "**.birthdate", "**.date_of_birth", "**.street"),
        *("**.postcode", "**.postal_code", "**.address.*", "**.identification.*"),
    ),
}

_EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+")
_IPV4 = re.compile(r"(?:25[0-5]|2[0-4]\d|1?\d?\d)(?:\.(?:25[0-5]|2[0-4]\d|1?\d?\d)){3}")
_IPV6 = re.compile(r"[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}")
_PLACEHOLDER = re.compile(
    r"person-\d+@redacted\.invalid|192\.0\.2\.\d+|2001:db8::[0-9a-f]+|<(?:secret|name|phone|personal|email|ip)-\d+>"
)
_NOT_PERSONAL_IPS = ("127.", "0.0.0.0", "::1", "::", "192.0.2.")
_AUTH_SCHEME = re.compile(r"(Bearer|Basic|Token|Digest|ApiKey|Negotiate)\s+(\S.*)", re.IGNORECASE)
_URL = re.compile(r"[a-z][a-z0-9+.-]*://", re.IGNORECASE)
# Tracardi's dot notation (``event@properties.email``) looks like an address: not one.
_TRACARDI_ROOTS = frozenset(
    [
        "event",
        "profile",
        "session",
        "payload",
        "flow",
        "memory",
        "source",
        "entity",
        "context",
        "request",
    ]
)


def _is_email(value: str) -> bool:
    if not _EMAIL.fullmatch(value):
        return False
    local, _, domain = value.rpartition("@")
    return local.lower() not in _TRACARDI_ROOTS and domain.rsplit(".", 1)[-1].isalpha()


@dataclass(frozen=True)
class RedactionPolicy:
    """What to redact: personal-data path patterns per category, and whether to find
    e-mails and IP addresses by their shape anywhere. Secrets are always redacted."""

    personal_paths: Mapping[str, tuple[str, ...]] = field(
        default_factory=lambda: dict(DEFAULT_PERSONAL_PATHS)
    )
    detect_values: bool = True

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> RedactionPolicy:
        """Read a policy (``{"personal_paths": {category: [pattern…]}, "detect_values"}``).

        Raises ``ValueError`` naming the field that is wrong."""
        raw = data.get("personal_paths", DEFAULT_PERSONAL_PATHS)
        if not isinstance(raw, Mapping):
            raise ValueError("personal_paths: expected an object of category → list of patterns")
        paths: dict[str, tuple[str, ...]] = {}
        for category, patterns in raw.items():
            if not isinstance(patterns, list | tuple) or not all(
                isinstance(p, str) and p.strip() for p in patterns
            ):
                raise ValueError(f"personal_paths.{category}: expected a list of path patterns")
            paths[str(category)] = tuple(p.strip() for p in patterns)
        detect = data.get("detect_values", True)
        if not isinstance(detect, bool):
            raise ValueError("detect_values: expected true or false")
        return cls(paths, detect)

    def to_dict(self) -> dict[str, Any]:
        return {
            "personal_paths": {k: list(v) for k, v in self.personal_paths.items()},
            "detect_values": self.detect_values,
        }

    def category(self, path: tuple[str, ...]) -> str | None:
        """The personal-data category of the value at *path* (dict keys only), or None."""
        lowered = tuple(key.lower() for key in path)
        for category, patterns in self.personal_paths.items():
            for pattern in patterns:
                if _matches(_split(pattern), lowered):
                    return category
        return None


@lru_cache(maxsize=512)
def _split(pattern: str) -> tuple[str, ...]:
    return tuple(pattern.lower().split("."))


def _matches(pattern: tuple[str, ...], path: tuple[str, ...]) -> bool:
    @cache
    def match(i: int, j: int) -> bool:
        if i == len(pattern):
            return j == len(path)
        if pattern[i] == "**":
            return match(i + 1, j) or (j < len(path) and match(i, j + 1))
        return j < len(path) and fnmatch.fnmatchcase(path[j], pattern[i]) and match(i + 1, j + 1)

    return match(0, 0)


def encodings_of(value: str) -> set[str]:
    """The forms a value takes inside text: as is, JSON-escaped, percent/plus-encoded, base64."""
    forms = {value, quote(value, safe=""), quote_plus(value, safe=""), quote(value)}
    forms.add(json.dumps(value)[1:-1])
    forms.add(json.dumps(value, ensure_ascii=False)[1:-1])
    raw = value.encode("utf-8")
    forms.add(base64.b64encode(raw).decode().rstrip("="))
    forms.add(base64.urlsafe_b64encode(raw).decode().rstrip("="))
    return {form for form in forms if form}


def _personal_ip(value: str) -> bool:
    if not (_IPV4.fullmatch(value) or (":" in value and _IPV6.fullmatch(value))):
        return False
    return not value.startswith(_NOT_PERSONAL_IPS)


class Redactor:
    """Applies one policy with one table of placeholders (share it across a whole bundle).

    ``counts`` says how many distinct values of each category were replaced;
    ``paths`` the paths (dict keys only) where values were redacted."""

    def __init__(self, policy: RedactionPolicy | None = None) -> None:
        self.policy = policy or RedactionPolicy()
        self._placeholders: dict[str, str] = {}
        self._per_category: dict[str, int] = {}
        self.paths: set[str] = set()
        self._search: list[tuple[str, str]] | None = None

    # --- placeholders -----------------------------------------------------------------

    @property
    def counts(self) -> dict[str, int]:
        return dict(self._per_category)

    @property
    def values(self) -> tuple[str, ...]:
        """Every original value replaced so far (for leak checks)."""
        return tuple(self._placeholders)

    def placeholder(self, value: str, category: str) -> str:
        """The stand-in for *value* (the same one every time it is asked for)."""
        if _PLACEHOLDER.fullmatch(value):
            return value
        known = self._placeholders.get(value)
        if known is not None:
            return known
        n = self._per_category.get(category, 0) + 1
        self._per_category[category] = n
        if category == "email":
            stand_in = f"person-{n}@redacted.invalid"
        elif category == "ip" and ":" in value:
            stand_in = f"2001:db8::{n:x}"
        elif category == "ip":
            stand_in = f"192.0.2.{n}" if n < 255 else f"<ip-{n}>"
        else:
            stand_in = f"<{category}-{n}>"
        self._placeholders[value] = stand_in
        self._search = None
        return stand_in

    def _scalar(self, value: Any, category: str, path: tuple[str, ...]) -> Any:
        if value is None or value == "" or isinstance(value, bool):
            return value
        self.paths.add(".".join(path))
        if isinstance(value, dict | list):
            return self._redact_all(value, category, path)
        text = str(value)
        scheme = _AUTH_SCHEME.match(text) if category == "secret" else None
        if scheme:  # "Bearer abc": the credential is the secret, the scheme stays readable
            return f"{scheme.group(1)} {self.placeholder(scheme.group(2), category)}"
        return self.placeholder(text, category)

    def _redact_all(self, value: Any, category: str, path: tuple[str, ...]) -> Any:
        if isinstance(value, dict):
            return {k: self._scalar(v, category, (*path, str(k))) for k, v in value.items()}
        if isinstance(value, list):
            return [self._scalar(v, category, path) for v in value]
        return self._scalar(value, category, path)

    # --- structured values --------------------------------------------------------------

    def json(self, value: Any, path: tuple[str, ...] = ()) -> Any:
        """A redacted copy of a JSON value whose keys say what its leaves are."""
        if isinstance(value, dict):
            out: dict[str, Any] = {}
            for key, item in value.items():
                child = (*path, str(key))
                if is_secret_name(str(key)):
                    out[key] = self._scalar(item, "secret", child)
                    continue
                category = self.policy.category(child)
                out[key] = (
                    self._scalar(item, category, child) if category else self.json(item, child)
                )
            return out
        if isinstance(value, list):
            return [self.json(item, path) for item in value]
        if isinstance(value, str):
            return self._string(value)
        return value

    def _string(self, value: str) -> str:
        if _URL.match(value):
            return self.url(value)
        if self.policy.detect_values:
            if _is_email(value):
                return self.placeholder(value, "email")
            if _personal_ip(value):
                return self.placeholder(value, "ip")
            if "@" in value:
                value = _EMAIL.sub(self._email_in_text, value)
        return value

    def _email_in_text(self, match: re.Match[str]) -> str:
        found = match.group(0)
        return self.placeholder(found, "email") if _is_email(found) else found

    def headers(
        self, headers: Mapping[str, Any], path: tuple[str, ...] = ("headers",)
    ) -> dict[str, Any]:
        """Headers: secret ones (Authorization, Cookie, X-Api-Key…) and personal ones redacted."""
        redacted: dict[str, Any] = self.json(dict(headers), path)
        return redacted

    def url(self, url: str) -> str:
        """A URL with credentials, secret and personal query values redacted."""
        parts = urlsplit(url)
        netloc = parts.netloc
        if "@" in netloc:
            creds, host = netloc.rsplit("@", 1)
            user, _, password = creds.partition(":")
            redacted = self.placeholder(user, "secret") if user else ""
            if password:
                redacted += ":" + self.placeholder(password, "secret")
            netloc = f"{redacted}@{host}"
        query = parts.query
        if query:
            pairs = parse_qsl(query, keep_blank_values=True)
            redacted_pairs = [(k, str(self.json({k: v}, ("query",))[k])) for k, v in pairs]
            if redacted_pairs != pairs:
                query = urlencode(redacted_pairs, safe="*<>@")
        return self.text(urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment)))

    # --- text -----------------------------------------------------------------------------

    def _search_pairs(self) -> list[tuple[str, str]]:
        if self._search is None:
            pairs: dict[str, str] = {}
            for value, stand_in in self._placeholders.items():
                if len(value) < MIN_SEARCH_LENGTH:
                    continue
                pairs[value] = stand_in
                for form in encodings_of(value):
                    if len(form) >= MIN_SEARCH_LENGTH:
                        pairs.setdefault(form, stand_in)
            self._search = sorted(pairs.items(), key=lambda item: len(item[0]), reverse=True)
        return self._search

    def text(self, text: str) -> str:
        """Free text with every known value (in any of its encodings) and e-mails replaced."""
        if self.policy.detect_values and "@" in text:
            text = _EMAIL.sub(self._email_in_text, text)
        for form, stand_in in self._search_pairs():
            if form in text:
                text = text.replace(form, stand_in)
        return text

    def body_text(self, text: str | None) -> str | None:
        """A raw body: JSON is redacted structurally and written back, other text searched."""
        if not text:
            return text
        try:
            parsed = json.loads(text)
        except ValueError:
            return self.text(text)
        return self.text(json.dumps(self.json(parsed), ensure_ascii=False))

    def deep_text(self, value: Any) -> Any:
        """Run :meth:`text` over every string of an already redacted JSON value (keys too)."""
        if isinstance(value, dict):
            return {self.text(str(k)): self.deep_text(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.deep_text(v) for v in value]
        if isinstance(value, str):
            return self.text(value)
        return value

    # --- checking ------------------------------------------------------------------------

    def leaks(self, blob: bytes, values: Iterable[str] | None = None) -> list[str]:
        """The known values (or *values*) found in *blob* in any encoding, as their placeholder."""
        found: list[str] = []
        for value in values if values is not None else self.values:
            if len(value) < MIN_SEARCH_LENGTH:
                continue
            for form in encodings_of(value):
                if len(form) >= MIN_SEARCH_LENGTH and form.encode("utf-8") in blob:
                    found.append(self._placeholders.get(value, value))
                    break
        return found
