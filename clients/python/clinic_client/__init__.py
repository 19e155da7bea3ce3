"""A client library for accessing Infusion clinic scheduler API"""

from .client import AuthenticatedClient, Client

__all__ = (
    "AuthenticatedClient",
    "Client",
)
