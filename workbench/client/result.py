"""The value a send produces: :class:`workbench.core.exchange.Exchange`.

``SendResult`` is the name the client used before the exchange moved to
``core``; it is the same class.
"""

from workbench.core.exchange import Exchange, ExchangeTarget, SentRequest

__all__ = ["Exchange", "ExchangeTarget", "SendResult", "SentRequest"]

SendResult = Exchange
