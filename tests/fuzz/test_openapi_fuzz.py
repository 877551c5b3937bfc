"""Schemathesis against Loupe's own OpenAPI schema: no 5xx, responses match the schema.

Three passes, each bounded so the suite stays quick (about 40 s on the 2-core machine;
`bench/fuzz.py` runs them longer, see its options):

- every operation, each generated request sent as every role and anonymously: `EXAMPLES` per
  operation, `DEEP_EXAMPLES` for operations taking a date or a number, where edge values
  (year 1, year 9999, huge integers) broke the app before: 6 examples missed a 500 that 40 found;
- a stateful run following the links in `tests/fuzz/links.py` (search hit -> asset operations,
  vocabulary put -> delete, user -> key -> revoke...), so operations see ids that exist;
- a run of `LONG_RUN_S` seconds on the date and number operations with a fresh seed each time
  (printed on failure: `LOUPE_FUZZ_SEED=...` replays it), so CI keeps exploring new inputs.
"""

from __future__ import annotations

import os
import random
import time
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis.errors import FlakyStrategyDefinition
from hypothesis.stateful import run_state_machine_as_test
from schemathesis.config import SchemathesisConfig
from schemathesis.generation.stateful.state_machine import StepInput, StepOutput

from loupe_core.encoders.registry import Encoders
from loupe_core.principal import Role
from loupe_core.settings import Settings
from loupe_core.store.factory import open_store
from search_api.app import create_app
from tests.accounts_fixture import bearer, seed_role_users
from tests.contract.library import build_library
from tests.fuzz.links import LINKS, operations_addressed_by_id, with_links

EXAMPLES = int(os.environ.get("LOUPE_FUZZ_EXAMPLES", "6"))
DEEP_EXAMPLES = int(os.environ.get("LOUPE_FUZZ_DEEP_EXAMPLES", "40"))
SCENARIOS = int(os.environ.get("LOUPE_FUZZ_SCENARIOS", "60"))
STEPS = int(os.environ.get("LOUPE_FUZZ_STEPS", "10"))
LONG_RUN_S = float(os.environ.get("LOUPE_FUZZ_SECONDS", "15"))
MAX_RESTARTS = 20
FOCUSED_SCENARIOS = 20
"""Scenarios on one resource's operations alone, when the whole run did not follow a link into it."""
"""Stateful runs restart with the next seed when Hypothesis finds that a replayed scenario saw a
different app (the server keeps state between scenarios): what schemathesis's own runner does."""
LONG_RUN_EXAMPLES = 10
"""Examples per operation per round of the long run: small, so the time bound is kept closely."""
KEYS: dict[Role, str] = {}

BUSINESS_RULES = [schemathesis.checks.positive_data_acceptance]
"""Schema-valid requests may still break a rule OpenAPI cannot state (created_from after created_to,
a vocabulary term that does not exist): those get a documented 400, which this check would flag."""
ROLES: list[Role | None] = [Role.admin, Role.librarian, Role.analyst, Role.contributor, Role.viewer, None]
ROLE_USERS = {role.value for role in ROLES if role}
REJECTIONS = ["400", "401", "403", "404", "405", "406", "409", "413", "415", "422", "428", "429", "5xx"]
"""How the stateful run's invalid requests may be refused: schemathesis's list plus 413, what an
oversized body gets before anything reads it (the 5xx are the server-error check's business)."""


@pytest.fixture(scope="module")
def fuzz_app(tmp_path_factory: pytest.TempPathFactory, encoders: Encoders) -> Iterator[FastAPI]:
    app_settings = Settings(data_dir=tmp_path_factory.mktemp("fuzz"), max_upload_bytes=100_000)
    store = open_store(app_settings)
    store.upsert(build_library(filler=10)[0])
    app = create_app(app_settings, store=store, encoders=encoders)
    with TestClient(app):  # runs the lifespan: the services stay open for schemathesis's own calls
        KEYS.update(seed_role_users(app.state.services.accounts))
        yield app
    store.close()


def takes_dates_or_numbers(operation: schemathesis.APIOperation, spec: dict[str, Any]) -> bool:
    """Whether a parameter or a body field of the operation is a date, a time or a number."""
    raw = spec["paths"][operation.path][operation.method.lower()]
    schemas: list[Any] = [p.get("schema", {}) for p in raw.get("parameters", [])]
    schemas += [c.get("schema", {}) for c in raw.get("requestBody", {}).get("content", {}).values()]
    seen: set[str] = set()
    while schemas:
        schema = schemas.pop()
        if not isinstance(schema, dict):
            continue
        if ref := schema.get("$ref"):
            if ref not in seen:
                seen.add(ref)
                schemas.append(spec["components"]["schemas"][ref.rsplit("/", 1)[-1]])
            continue
        if schema.get("type") in ("integer", "number") or schema.get("format") in ("date", "date-time"):
            return True
        schemas += [*schema.get("properties", {}).values(), schema.get("items"), *schema.get("anyOf", [])]
    return False


def fuzz_operation(operation: schemathesis.APIOperation, examples: int, seed_value: int | None = None) -> None:
    """Each generated request is sent as every role (and anonymously): rights change the answer,
    never its well-formedness."""

    @given(case=operation.as_strategy())
    @settings(max_examples=examples, deadline=None, suppress_health_check=list(HealthCheck),
              derandomize=seed_value is None, database=None)  # fmt: skip
    def run(case: schemathesis.Case) -> None:
        for role in ROLES:
            case.call_and_validate(headers=bearer(KEYS[role]) if role else {}, excluded_checks=BUSINESS_RULES)

    (seed(seed_value)(run) if seed_value is not None else run)()


def operations(app: FastAPI) -> list[schemathesis.APIOperation]:
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    return [result.ok() for result in schema.get_all_operations()]


def test_no_server_errors_and_schema_conformance(fuzz_app: FastAPI) -> None:
    spec = fuzz_app.openapi()
    failures: list[str] = []
    every = operations(fuzz_app)
    deep = [op.label for op in every if takes_dates_or_numbers(op, spec)]
    assert len(every) >= 20 and {"GET /api/analytics/zero-results", "GET /api/search"} <= set(deep)
    for operation in every:
        try:
            fuzz_operation(operation, DEEP_EXAMPLES if operation.label in deep else EXAMPLES)
        except Exception as exc:  # collect every operation's failure, then report them together
            failures.append(f"{operation.label}: {exc}")
    assert not failures, "\n\n".join(failures)


def test_bounded_long_run_on_dates_and_numbers(fuzz_app: FastAPI) -> None:
    """New random inputs each run, for `LONG_RUN_S` seconds; the seed in a failure replays it."""
    first_seed = int(os.environ.get("LOUPE_FUZZ_SEED", random.SystemRandom().randrange(2**31)))
    spec = fuzz_app.openapi()
    deep = [op for op in operations(fuzz_app) if takes_dates_or_numbers(op, spec)]
    deadline = time.monotonic() + LONG_RUN_S
    failures: list[str] = []
    rounds = 0
    while time.monotonic() < deadline and not failures:
        for operation in deep:
            if time.monotonic() >= deadline:
                break
            try:
                fuzz_operation(operation, LONG_RUN_EXAMPLES, seed_value=first_seed + rounds)
            except Exception as exc:
                failures.append(f"{operation.label} (round {rounds}): {exc}")
        rounds += 1
    assert not failures, f"replay with LOUPE_FUZZ_SEED={first_seed}\n\n" + "\n\n".join(failures)


def test_every_operation_addressed_by_an_id_is_reached_by_a_link(fuzz_app: FastAPI) -> None:
    """A resource added later gets links too, so the stateful run walks it with ids that exist."""
    linked = {link.target for link in LINKS}
    assert operations_addressed_by_id(fuzz_app.openapi()) <= linked
    assert {("delete", "/api/librarian/vocabulary/{term}"), ("post", "/api/admin/keys/{key_id}/revoke")} <= linked


def test_stateful_runs_follow_links_without_server_errors(fuzz_app: FastAPI) -> None:
    """As an admin (who may call every operation); only links written in `links.py` are followed,
    so the run disables and revokes only users and keys it created itself."""
    config = SchemathesisConfig.from_dict({
        "phases": {"stateful": {"inference": {"algorithms": []}}},
        "checks": {"negative_data_rejection": {"expected-statuses": REJECTIONS}},
    })  # fmt: skip
    whole = schemathesis.openapi.from_dict(with_links(fuzz_app.openapi()), config=config)
    whole.app = fuzz_app
    whole.location = "/openapi.json"
    accounts = fuzz_app.state.services.accounts
    linked: set[str] = set()
    """Operations called with what a link carried over from an earlier response."""
    scenarios = [0]

    def machine(schema: Any) -> Any:
        class Machine(schema.as_state_machine()):  # type: ignore[misc]
            def setup(self) -> None:
                """A made-up id may name a seeded user (`viewer`): each scenario starts with all of them enabled."""
                for user in accounts.users():
                    if user.disabled and user.id in ROLE_USERS:
                        accounts.set_disabled(user.id, False, actor="fuzz")

            def get_call_kwargs(self, case: schemathesis.Case) -> dict[str, Any]:
                return {"headers": bearer(KEYS[Role.admin])}

            def step(self, input: StepInput) -> StepOutput:
                if input.transition is not None:
                    linked.add(input.case.operation.label)
                return super().step(input)

            def validate_response(self, response: Any, case: schemathesis.Case, **kwargs: Any) -> None:
                case.validate_response(response, excluded_checks=BUSINESS_RULES, transport_kwargs=kwargs)

            def teardown(self) -> None:
                scenarios[0] += 1

        return Machine

    def run(machine_class: Any, wanted: int) -> None:
        done = scenarios[0]
        for attempt in range(MAX_RESTARTS):
            left = done + wanted - scenarios[0]
            if left <= 0:
                break
            try:
                run_state_machine_as_test(
                    seed(attempt)(machine_class),
                    settings=settings(max_examples=left, stateful_step_count=STEPS, deadline=None, database=None,
                                      suppress_health_check=list(HealthCheck), phases=[Phase.generate]),
                )  # fmt: skip
            except FlakyStrategyDefinition:
                continue  # the app's state moved under a replayed scenario: go on with the next seed

    run(machine(whole), SCENARIOS)
    assert scenarios[0] >= SCENARIOS
    for resource in ("/api/assets/", "/api/librarian/vocabulary/", "/api/admin/"):
        if not any(resource in label for label in linked):
            # Among 60-odd operations a random walk can miss one resource's chain; walk that resource alone.
            run(machine(whole.include(path_regex=f"^({resource.rstrip('/')}|/api/search)")), FOCUSED_SCENARIOS)
        assert any(resource in label for label in linked), f"no link into {resource} was followed: {sorted(linked)}"
