"""Sending to targets (the embedded collector or a remote Tracardi) over httpx.

Qt-free: the window runs :meth:`Sender.send` in its task runner, the CLI calls
it directly. See :mod:`workbench.client.sender` for the send path,
:mod:`workbench.client.errors` for the failure kinds.
"""

from workbench.client.admin import AdminError, AdminReader, format_for_version, has_credentials
from workbench.client.cancel import CancelToken
from workbench.client.errors import ERROR_KINDS, SendError
from workbench.client.identity import Identity, IdentityMemory
from workbench.client.result import Exchange, ExchangeTarget, SendResult, SentRequest
from workbench.client.sender import (
    DEFAULT_MAX_RESPONSE_BYTES,
    USER_AGENT,
    Sender,
    ServerFormat,
)
from workbench.client.spec import RequestSpec
from workbench.client.targets import (
    DEFAULT_EMBEDDED_URL,
    embedded_target,
    target_from_import,
    target_from_url,
)

__all__ = [
    "DEFAULT_EMBEDDED_URL",
    "DEFAULT_MAX_RESPONSE_BYTES",
    "ERROR_KINDS",
    "USER_AGENT",
    "AdminError",
    "AdminReader",
    "CancelToken",
    "Exchange",
    "ExchangeTarget",
    "Identity",
    "IdentityMemory",
    "RequestSpec",
    "SendError",
    "SendResult",
    "Sender",
    "SentRequest",
    "ServerFormat",
    "embedded_target",
    "format_for_version",
    "has_credentials",
    "target_from_import",
    "target_from_url",
]
