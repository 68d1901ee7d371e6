"""The OpenAPI document matches the real endpoints; schemathesis and hypothesis drive the API with it."""

from __future__ import annotations

import shutil

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from service import create_app
from service.config import EMBEDDED_CORPUS
from service.web.api import ApiError, validate_message


@pytest.fixture(scope="module")
def api_app(tmp_path_factory):
    root = tmp_path_factory.mktemp("openapi")
    shutil.copytree(EMBEDDED_CORPUS, root / "corpus")
    return create_app(
        {
            "TESTING": True,
            "CORPUS_DIR": str(root / "corpus"),
            "INDEX_PATH": str(root / "index.npz"),
            "RATE_LIMIT_ENABLED": False,  # schemathesis sends hundreds of requests from one address
        }
    )


CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
]


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_api_conforms_to_its_openapi_document(api_app, mode):
    """schemathesis: generated valid and invalid requests get no 5xx, and every status and body is as documented.
    (Driven with hypothesis directly: schemathesis' pytest plugin does not run on this pytest version.)"""
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", api_app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert "POST /api/v1/chat" in {op.label for op in operations}
    if mode == GenerationMode.NEGATIVE:  # GETs without parameters have no invalid form
        operations = [op for op in operations if op.method.upper() != "GET"]
    for operation in operations:

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def run(case):
            case.call_and_validate(checks=CHECKS)

        run()


def test_document_lists_exactly_the_real_endpoints(api_app):
    doc = api_app.test_client().get("/api/openapi.json").get_json()
    documented = {
        (path.replace("{", "<").replace("}", ">"), method.upper())
        for path, ops in doc["paths"].items()
        for method in ops
    }
    real = {
        (rule.rule, method)
        for rule in api_app.url_map.iter_rules()
        if rule.rule.startswith("/api/") or rule.rule in ("/healthz", "/readyz", "/metrics")  # HTML pages aside
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    assert documented == real


@given(st.text(max_size=1200))
@settings(max_examples=300, deadline=None)
def test_validate_message_accepts_clean_text_or_raises_a_4xx(value):
    try:
        text = validate_message(value, max_chars=1000, max_word_chars=80)
    except ApiError as exc:
        assert 400 <= exc.status < 500 and exc.error and exc.message
        return
    assert text == text.strip() and 0 < len(text) <= 1000
    assert all(len(word) <= 80 for word in text.split())
    assert not any(ord(ch) < 32 and ch not in "\t\n\r" for ch in text)


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=50),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=10,
)


@given(
    body=st.one_of(
        JSON_VALUES,
        st.fixed_dictionaries({"message": JSON_VALUES}),
        st.fixed_dictionaries({"message": st.text(max_size=300), "conversation_id": JSON_VALUES}),
    )
)
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_any_json_body_gets_200_or_a_json_4xx(api_app, body):
    resp = api_app.test_client().post("/api/v1/chat", json=body)
    assert resp.status_code == 200 or 400 <= resp.status_code < 500
    assert resp.is_json and ("error" in resp.get_json() or "kind" in resp.get_json())


@given(st.binary(max_size=300))
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_any_bytes_get_200_or_a_json_4xx(api_app, data):
    resp = api_app.test_client().post("/api/v1/chat", data=data, content_type="application/json")
    assert resp.status_code == 200 or 400 <= resp.status_code < 500
    assert resp.is_json


def test_reply_schema_documents_every_field_including_related_reading(api_app):
    """Every field of a real reply is documented; related reading has its own schema with a reason."""
    from dataclasses import fields

    from service.answer.response import Citation, Related

    doc = api_app.test_client().get("/api/openapi.json").get_json()
    schemas = doc["components"]["schemas"]
    body = api_app.test_client().post("/api/v1/chat", json={"message": "What is Reblozyl used for?"}).get_json()
    assert set(body) == set(schemas["Reply"]["properties"])
    assert schemas["Reply"]["properties"]["related"]["items"] == {"$ref": "#/components/schemas/Related"}
    assert {f.name for f in fields(Related)} == set(schemas["Related"]["properties"])
    assert "reason" in schemas["Related"]["required"]
    # the API also lists related reading among the citations, marked and with its reason
    assert {f.name for f in fields(Citation)} | {"related", "reason"} == set(schemas["Citation"]["properties"])
    assert all(set(c) <= set(schemas["Citation"]["properties"]) for c in body["citations"])
