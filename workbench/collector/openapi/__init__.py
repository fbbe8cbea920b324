"""The collector's API as an OpenAPI 3.1 document (``/openapi.json``) and a docs page (``/docs``).

The document is built from the app's own route table, so every route the app
serves is in it and nothing else is: an operation described in
:data:`OPERATIONS` gets its summary, parameters, body and answers from there; a
route nobody described yet still appears (path parameters, its methods and the
answers every route may give), marked as not described. The tracker payload
schema is the one :mod:`workbench.core.validation` checks against, so the
document cannot drift from the validator. Every operation lists the refusals of
:mod:`workbench.collector.trust` (403, 421 and, with a token, 401) and of the
input layer (413, 422), and says who may call it.

The docs page renders the same document as plain HTML (no scripts, nothing
fetched from the internet), so it works offline on a trainer's laptop.

The parts: :mod:`.parts` (shared pieces of descriptions), :mod:`.operations`
(what each route does), :mod:`.document` (the document from the route table),
:mod:`.page` (the two routes serving it).
"""

from workbench.collector.openapi.document import openapi_document
from workbench.collector.openapi.operations import OPERATIONS
from workbench.collector.openapi.page import docs_routes

__all__ = ["OPERATIONS", "docs_routes", "openapi_document"]
