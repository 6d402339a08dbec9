"""The practice Microsoft Graph: the mail endpoints a robot uses, answering as the documented API does.

* ``POST /{tenant}/oauth2/v2.0/token`` — OAuth2 client credentials (``scope=https://graph.microsoft.com/.default``);
  a wrong secret is ``401 invalid_client``; tokens expire after ``token_lifetime_s``.
* ``GET /v1.0/users/{user}/mailFolders`` (``$filter=displayName eq '…'``), ``POST`` to create one.
* ``GET /v1.0/users/{user}/mailFolders/{folder}/messages`` — ``$top`` pages with ``@odata.nextLink``;
  ``$filter=internetMessageId eq '…'``.
* ``GET|PATCH /v1.0/users/{user}/messages/{id}``; ``POST …/move`` (``Prefer: IdType="ImmutableId"``
  keeps the id); ``GET …/attachments``; ``POST /v1.0/users/{user}/sendMail``.
* Expired or unknown tokens: ``401 InvalidAuthenticationToken``; a mailbox the app may not use:
  ``403 ErrorAccessDenied``; every ``throttle_every``-th call: ``429 TooManyRequests`` with ``Retry-After``.

``create_app(GraphConfig(...))`` returns the Starlette app; ``app.state.graph`` holds the mail store.
"""

from __future__ import annotations

from sepbots.practice.graph.mailstore import MailStore, StoredAttachment, StoredMessage
from sepbots.practice.graph.web import GraphConfig, GraphPractice, create_app

__all__ = ["GraphConfig", "GraphPractice", "MailStore", "StoredAttachment", "StoredMessage", "create_app"]
