"""OpenAPI links between Loupe's operations, for schemathesis's stateful run.

FastAPI does not write links into its schema, so they are stated here and added to a copy of it:
the id a search hit carries feeds every asset operation, a term put into the vocabulary is deleted
again, a user the admin creates is disabled, enabled and given a key, which is then revoked.
Every operation addressed by an id in its path must be the target of one of these links
(`test_every_operation_addressed_by_an_id_is_reached_by_a_link`), so a resource added later is
walked statefully too, with ids that exist, instead of only with made-up ones.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from typing import Any

HIT_ID = "$response.body#/hits/0/asset/id"


@dataclass(frozen=True)
class Link:
    source: tuple[str, str]
    """(method, path) whose response feeds the target."""
    status: str
    target: tuple[str, str]
    parameters: dict[str, str] = field(default_factory=dict)
    """`path.asset_id`, `header.If-Match`... -> a runtime expression over the source's request or response."""
    request_body: Any = None


SEARCH = ("get", "/api/search")
ASSET = "/api/assets/{asset_id}"
TERM = ("delete", "/api/librarian/vocabulary/{term}")
NEW_USER = ("post", "/api/admin/users")
CREATED_ID = "$response.body#/id"
ETAG = "$response.header.ETag"
ASSET_OPERATIONS = [("get", ""), ("patch", ""), ("get", "/similar"), ("get", "/thumbnail"), ("get", "/file"),
                    ("get", "/suggestions"), ("post", "/suggestions")]  # fmt: skip
NEW_COLLECTION = ("post", "/api/collections")
COLLECTION = "/api/collections/{collection_id}"
COLLECTION_OPERATIONS = [("get", ""), ("patch", ""), ("delete", ""), ("get", "/items"), ("delete", "/items"),
                         ("get", "/download")]  # fmt: skip
NEW_SAVED_SEARCH = ("post", "/api/saved-searches")
SAVED_SEARCH = "/api/saved-searches/{saved_id}"
SAVED_SEARCH_OPERATIONS = [("get", ""), ("patch", ""), ("delete", ""), ("post", "/run")]
NEW_RULE = ("post", "/api/librarian/rules")
RULE = "/api/librarian/rules/{rule_id}"
RULE_DRAFT = {"name": "fuzz rule", "query": "cat", "pins": [{"asset_id": "cat-1", "position": 2}]}
APPROVALS = ("get", "/api/librarian/approvals")
DRAFT_ID = "$response.body#/drafts/0/id"
LINKS = [
    *(Link(SEARCH, "200", (method, ASSET + tail), {"path.asset_id": HIT_ID}) for method, tail in ASSET_OPERATIONS),
    Link(("get", ASSET), "200", ("patch", ASSET), {"path.asset_id": CREATED_ID, "header.If-Match": ETAG}),
    Link(("patch", ASSET), "200", ("get", ASSET), {"path.asset_id": CREATED_ID}),
    Link(("get", "/api/librarian/licences"), "200", ("get", ASSET), {"path.asset_id": "$response.body#/expired/0/id"}),
    Link(SEARCH, "200", ("post", "/api/events/click"),
         request_body={"query_id": "$response.body#/query_id", "asset_id": HIT_ID, "position": 1}),
    Link(("put", "/api/librarian/vocabulary"), "200", TERM, {"path.term": "$request.body#/0/term"}),
    Link(("get", "/api/librarian/vocabulary"), "200", TERM, {"path.term": "$response.body#/0/term"}),
    Link(NEW_USER, "201", ("post", "/api/admin/users/{user_id}/disable"), {"path.user_id": CREATED_ID}),
    Link(("post", "/api/admin/users/{user_id}/disable"), "200", ("post", "/api/admin/users/{user_id}/enable"),
         {"path.user_id": CREATED_ID}),
    Link(NEW_USER, "201", ("post", "/api/admin/keys"), request_body={"user": CREATED_ID, "label": "fuzz"}),
    Link(("post", "/api/admin/keys"), "201", ("post", "/api/admin/keys/{key_id}/revoke"), {"path.key_id": CREATED_ID}),
    Link(NEW_USER, "201", ("get", "/api/admin/audit"), {"query.target": CREATED_ID}),
    *(Link(NEW_COLLECTION, "201", (method, COLLECTION + tail), {"path.collection_id": CREATED_ID})
      for method, tail in COLLECTION_OPERATIONS),
    Link(NEW_COLLECTION, "201", ("post", COLLECTION + "/items"), {"path.collection_id": CREATED_ID},
         request_body={"ids": ["cat-1"]}),
    Link(NEW_COLLECTION, "201", ("put", COLLECTION + "/shares"), {"path.collection_id": CREATED_ID},
         request_body={"shares": {"marketing": "viewer"}}),
    *(Link(NEW_SAVED_SEARCH, "201", (method, SAVED_SEARCH + tail), {"path.saved_id": CREATED_ID})
      for method, tail in SAVED_SEARCH_OPERATIONS),
    Link(NEW_RULE, "201", ("get", RULE), {"path.rule_id": CREATED_ID}),
    Link(NEW_RULE, "201", ("put", RULE), {"path.rule_id": CREATED_ID}, request_body=RULE_DRAFT),
    Link(NEW_RULE, "201", ("delete", RULE), {"path.rule_id": CREATED_ID}),
    Link(APPROVALS, "200", ("post", "/api/librarian/approvals/{asset_id}/approve"), {"path.asset_id": DRAFT_ID}),
    Link(APPROVALS, "200", ("post", "/api/librarian/approvals/{asset_id}/reject"), {"path.asset_id": DRAFT_ID},
         request_body={"reason": "fuzz"}),
]  # fmt: skip


def with_links(spec: dict[str, Any]) -> dict[str, Any]:
    """A copy of the app's OpenAPI schema with `LINKS` written into the source operations' responses."""
    linked = copy.deepcopy(spec)
    for link in LINKS:
        source = linked["paths"][link.source[1]][link.source[0]]
        target_method, target_path = link.target
        body: dict[str, Any] = {"operationId": linked["paths"][target_path][target_method]["operationId"]}
        if link.parameters:
            body["parameters"] = link.parameters
        if link.request_body is not None:
            body["requestBody"] = link.request_body
        response = source["responses"].setdefault(link.status, {"description": "Success"})
        name = re.sub(r"[^A-Za-z0-9._-]+", "_", f"{target_method}{target_path}")
        response.setdefault("links", {})[name] = body
    return linked


def operations_addressed_by_id(spec: dict[str, Any]) -> set[tuple[str, str]]:
    return {(method, path) for path, operations in spec["paths"].items() if "{" in path for method in operations}
