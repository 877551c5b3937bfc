"""Schemathesis against Loupe's own OpenAPI schema, as every role: no 5xx, responses match the schema.

Bounded for the test suite (a few examples per operation); `bench/fuzz.py` runs it longer.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings

from loupe_core.encoders.registry import Encoders
from loupe_core.principal import Role
from loupe_core.settings import Settings
from loupe_core.store.factory import open_store
from search_api.app import create_app
from tests.accounts_fixture import bearer, seed_role_users
from tests.contract.library import build_library

EXAMPLES = int(os.environ.get("LOUPE_FUZZ_EXAMPLES", "6"))
KEYS: dict[Role, str] = {}


@pytest.fixture(scope="module")
def fuzz_app(tmp_path_factory: pytest.TempPathFactory, encoders: Encoders) -> Iterator[FastAPI]:
    app_settings = Settings(data_dir=tmp_path_factory.mktemp("fuzz"), max_upload_bytes=100_000)
    store = open_store(app_settings)
    store.upsert(build_library(filler=10)[0])
    app = create_app(app_settings, store=store, encoders=encoders)
    KEYS.update(seed_role_users(app.state.services.accounts))
    yield app
    store.close()


BUSINESS_RULES = [schemathesis.checks.positive_data_acceptance]
"""Schema-valid requests may still break a rule OpenAPI cannot state (created_from after created_to,
a vocabulary term that does not exist): those get a documented 400, which this check would flag."""
ROLES: list[Role | None] = [Role.admin, Role.librarian, Role.analyst, Role.contributor, Role.viewer, None]


def fuzz_operation(operation: schemathesis.APIOperation) -> None:
    """Each generated request is sent as every role (and anonymously): rights change the answer,
    never its well-formedness."""

    @given(case=operation.as_strategy())
    @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True,
              database=None)  # fmt: skip
    def run(case: schemathesis.Case) -> None:
        for role in ROLES:
            case.call_and_validate(headers=bearer(KEYS[role]) if role else {}, excluded_checks=BUSINESS_RULES)

    run()


def test_no_server_errors_and_schema_conformance(fuzz_app: FastAPI) -> None:
    schema = schemathesis.openapi.from_asgi("/openapi.json", fuzz_app)
    failures: list[str] = []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 20
    for operation in operations:
        try:
            fuzz_operation(operation)
        except Exception as exc:  # collect every operation's failure, then report them together
            failures.append(f"{operation.label}: {exc}")
    assert not failures, "\n\n".join(failures)
