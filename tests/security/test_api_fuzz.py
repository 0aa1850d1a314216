"""0 × 500 under fuzzing (issue 8): schemathesis generates requests for every operation of
/api/schema/ and checks each response — no server error, a status the schema documents, a body
valid against the schema. In-process against the WSGI application (with its body cap), as a
superuser holding a token (so staff operations get past authentication) and anonymously.

Fixed seed (``derandomize``), FUZZ_EXAMPLES examples per operation (50 by default).
bench/fuzz.md records the counts and the command.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig

from tests.factories import make_item, make_organ, make_staff, make_superuser
from tests.requests_app.factories import make_application

pytestmark = [pytest.mark.fuzz, pytest.mark.django_db]

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "50"))
# Anonymous callers mostly meet 401/404 on staff operations: fewer examples prove the boundary.
ANONYMOUS_EXAMPLES = int(os.environ.get("FUZZ_ANONYMOUS_EXAMPLES", "10"))
REPORT = Path(__file__).resolve().parents[2] / "test-artifacts" / "fuzz-api.json"
CALLS: Counter[str] = Counter()


@pytest.fixture(scope="module", autouse=True)
def _report() -> Iterator[None]:
    """Requests sent per operation and caller, written for bench/fuzz.md."""
    yield
    REPORT.parent.mkdir(exist_ok=True)
    REPORT.write_text(json.dumps(dict(sorted(CALLS.items())), ensure_ascii=False, indent=1))


@pytest.fixture(autouse=True)
def world(db: Any, settings: Any) -> Iterator[None]:
    """An organ with an item, an application and staff, so that some examples find things."""
    # Throttles would turn most examples into 429s after the first few: raise them here (the
    # throttles themselves are tested elsewhere).
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            scope: "100000/min" for scope in settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
        },
    }
    organ = make_organ("测试市人民政府")
    make_item(organ)
    make_application(organ)
    make_staff(organ, ["handler", "approver", "publisher", "reporter"], username="fuzz-staff")
    # Requests go through the WSGI handler, which closes database connections at the end of
    # each request; the test's transaction must survive them (Django's test client does the
    # same).
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def _schema() -> Any:
    from disclosure_portal.wsgi import application

    # Loaded at collection: building the schema needs no database.
    config = SchemathesisConfig.from_dict(
        {
            "checks": {
                # A schema-valid request may still name an organ, item or user that does not
                # exist, or break a rule no schema can state (a date after today, 20 working
                # days of extension in total): 400 with the field named is the right answer.
                "positive_data_acceptance": {
                    "expected-statuses": ["2xx", "400", "401", "403", "404", "409", "429"]
                },
                # Not checked: that every schema-violating request is refused. DRF's CharField
                # accepts a JSON number as text (0 → "0") by design; every other check runs
                # on the schema-violating requests too (no 500, documented status and shape).
                "negative_data_rejection": {"enabled": False},
            }
        }
    )
    return schemathesis.openapi.from_wsgi("/api/schema/?format=json", application, config=config)


schema = _schema()

COMMON = {
    "derandomize": True,  # the fixed seed: the same examples on every run
    "database": None,
    "deadline": None,
    "suppress_health_check": list(HealthCheck),
}


@schema.parametrize()
@settings(max_examples=EXAMPLES, **COMMON)
def test_every_operation_as_a_superuser(case: Any) -> None:
    CALLS[f"superuser {case.operation.label}"] += 1
    case.call_and_validate(headers={"Authorization": f"Token {_superuser_token()}"})


@schema.parametrize()
@settings(max_examples=ANONYMOUS_EXAMPLES, **COMMON)
def test_every_operation_anonymously(case: Any) -> None:
    CALLS[f"anonymous {case.operation.label}"] += 1
    case.call_and_validate()


def _superuser_token() -> str:
    from django.contrib.auth import get_user_model
    from rest_framework.authtoken.models import Token

    user = get_user_model().objects.filter(username="fuzz-admin").first() or make_superuser(
        "fuzz-admin"
    )
    return Token.objects.get_or_create(user=user)[0].key
