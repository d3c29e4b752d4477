"""The read-only JSON API returns the programme's facts, documented by its OpenAPI spec."""

import re
from decimal import Decimal

import jsonschema
import pytest
from openapi_spec_validator import validate

from portfolio.auth import services as auth_services
from portfolio.extensions import db


@pytest.fixture
def spec(client):
    return client.get("/api/v1/openapi.json").get_json()


def _schema_for(spec, path: str) -> dict:
    schema = spec["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]
    return {**schema["schema"], "components": spec["components"]}


def _check(spec, path, body):
    jsonschema.validate(body, _schema_for(spec, path), cls=jsonschema.Draft202012Validator)


def test_openapi_document_is_valid(spec):
    validate(spec)
    assert spec["openapi"].startswith("3.")


def test_every_api_route_is_documented(app, spec):
    documented = {"/api/v1" + re.sub(r"\{(\w+)\}", r"<\1>", p) for p in spec["paths"]}
    routes = {
        re.sub(r"<\w+:(\w+)>", r"<\1>", r.rule)  # <int:milestone_id> is {milestone_id}
        for r in app.url_map.iter_rules()
        if r.rule.startswith("/api/v1/")
    }
    assert routes - {"/api/v1/openapi.json"} == documented
    methods = {
        (re.sub(r"<\w+:(\w+)>", r"<\1>", r.rule), m.lower())
        for r in app.url_map.iter_rules()
        if r.rule.startswith("/api/v1/") and r.rule != "/api/v1/openapi.json"
        for m in r.methods - {"HEAD", "OPTIONS"}
    }
    assert methods == {
        ("/api/v1" + re.sub(r"\{(\w+)\}", r"<\1>", p), m)
        for p, operations in spec["paths"].items()
        for m in operations
    }


def test_anonymous_is_answered_401_json(client):
    response = client.get("/api/v1/programmes/ddns")
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "unauthorized"


def test_bearer_token(client, users):
    user = users.make("viewer")
    token = auth_services.issue_token(user)
    db.session.commit()
    ok = client.get("/api/v1/programmes", headers={"Authorization": f"Bearer {token}"})
    assert ok.status_code == 200
    assert [p["slug"] for p in ok.get_json()["items"]] == ["ddns"]
    bad = client.get("/api/v1/programmes", headers={"Authorization": "Bearer nope"})
    assert bad.status_code == 401


def test_programme_detail(client, login_as, spec):
    login_as("viewer")
    body = client.get("/api/v1/programmes/ddns").get_json()
    _check(spec, "/programmes/{slug}", body)
    assert body["owner"] == {
        "name": "Lisbeth Nielsen",
        "title": "Direktør",
        "organisation": "Sundhedsdatastyrelsen",
    }
    assert [t["number"] for t in body["tracks"]] == [1, 2, 3, 4]
    assert [p["code"] for p in body["projects"]] == [
        "1.1",
        "1.2",
        "1.3",
        "2.1",
        "2.2",
        "3.1",
        "3.2",
    ]
    waves = [t for t in body["timeline"] if t["kind"] == "wave"]
    assert [(w["start"], w["end"]) for w in waves] == [
        ("2023-02", "2026-11"),
        ("2024-04", "2026-11"),
        ("2025-08", "2026-11"),
    ]
    assert body["approvals"] == [
        {
            "body": "National bestyrelse for data på sundheds- og ældreområdet",
            "date": "2023-01-18",
            "version": "1.0",
        }
    ]


def test_budget(client, login_as, spec):
    login_as("viewer")
    body = client.get("/api/v1/programmes/ddns/budget").get_json()
    _check(spec, "/programmes/{slug}/budget", body)
    row2 = body["rows"][1]
    assert row2["amounts"] == {
        "2023": "1.5",
        "2024": "3.4",
        "2025": "3.4",
        "2026": "4.2",
        "varigt": "3.0",
    }
    assert (row2["printed_total"], row2["computed_total"]) == ("12.4", "12.5")
    assert body["column_totals"]["2024"] == {"computed": "11.2", "printed": "11.3"}
    assert body["column_totals"]["total"] == {"computed": "58.1", "printed": "58.1"}
    assert len(body["discrepancies"]) == 3
    assert sum(Decimal(r["amounts"]["2025"]) for r in body["rows"]) == Decimal("19.3")


def test_risks_benefits_stakeholders(client, login_as, spec):
    login_as("viewer")
    for path, count in (("risks", 4), ("benefits", 6), ("stakeholders", 10)):
        body = client.get(f"/api/v1/programmes/ddns/{path}").get_json()
        _check(spec, f"/programmes/{{slug}}/{path}", body)
        assert len(body["items"]) == count
    gh3 = client.get("/api/v1/programmes/ddns/benefits").get_json()["items"][2]
    assert gh3["types"] == ["economic", "socio_economic"]
    r1 = client.get("/api/v1/programmes/ddns/risks").get_json()["items"][0]
    assert (r1["probability"], r1["consequence"], r1["score"]) == ("high", "low", 3)


def test_a_retired_benefit_says_so_in_the_api(client, login_as, users, spec, ddns):
    from portfolio.benefits.services import get_benefit, retire_benefit
    from portfolio.extensions import db

    retire_benefit(users.make("admin"), get_benefit(ddns, "GH2"), "Indgår i GH1 fra 2026.")
    db.session.commit()
    login_as("viewer")
    body = client.get("/api/v1/programmes/ddns/benefits").get_json()
    _check(spec, "/programmes/{slug}/benefits", body)
    by_code = {item["code"]: item for item in body["items"]}
    assert by_code["GH2"]["retired_reason"] == "Indgår i GH1 fra 2026."
    assert by_code["GH2"]["retired_on"] is not None
    assert by_code["GH1"]["retired_on"] is None and by_code["GH1"]["retired_reason"] is None


def test_outsider_gets_403_and_unknown_404(client, login_as):
    login_as("outsider")
    assert client.get("/api/v1/programmes/ddns").status_code == 403
    response = client.get("/api/v1/programmes/nope")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


def test_list_schema(client, login_as, spec):
    login_as("admin")
    body = client.get("/api/v1/programmes").get_json()
    _check(spec, "/programmes", body)
    ddns = next(p for p in body["items"] if p["slug"] == "ddns")
    assert ddns["period"] == {"start": "2023-01", "end": "2026-12", "precision": "year"}


def test_budget_forecast_actual_variance_and_light(client, login_as, spec, ddns, users):
    from portfolio.budgets import services
    from portfolio.budgets.models import BudgetKind

    secretariat = users.make("secretariat")
    row1 = next(r for r in services.budget_rows(ddns.id) if r.position == 1)
    services.set_amounts(
        secretariat, ddns, BudgetKind.FORECAST, {(row1.id, "2025"): Decimal("5.0")}
    )
    db.session.commit()
    login_as("viewer")
    body = client.get("/api/v1/programmes/ddns/budget").get_json()
    _check(spec, "/programmes/{slug}/budget", body)
    assert [v["number"] for v in body["versions"]] == [1] and body["versions"][0]["current"]
    first = body["figures"][0]
    assert first["forecast"] == {"2025": "5.0"}
    assert first["variance"] == {"forecast": {"2025": "0.7"}, "actual": {}}
    assert first["cost_light"]["colour"] == "yellow"  # 0,7 of 13,4 is 5,2 %
    assert body["cost_light"]["colour"] == "yellow"  # 0,7 of 58,1 is 1,2 %: any overrun


def test_benefits_carry_indicators_with_withheld_values_null(client, login_as, spec, ddns):
    from portfolio.benefits.services import get_benefit
    from tests.indicators.factories import make_indicator, make_metric, observe

    client.application.config["TODAY"] = "2026-11-21"
    metric = make_metric("api-count", is_count=True, is_demo=True)
    make_indicator(
        get_benefit(ddns, "GH1"),
        "GH1.1",
        metric_id=metric.id,
        baseline_value=10,
        baseline_period=2023,
        target_value=90,
        target_period=2027,
        trajectory=[(2025, 50)],
        decimals=0,
    )
    observe(metric, (2023, 12), (2024, 3), (2025, None, "missing"))
    db.session.commit()
    login_as("viewer")
    body = client.get("/api/v1/programmes/ddns/benefits").get_json()
    _check(spec, "/programmes/{slug}/benefits", body)
    gh1 = body["items"][0]
    (indicator,) = gh1["indicators"]
    assert indicator["is_demo"] is True
    assert [(p["label"], p["value"], p["status"], p["shown"]) for p in indicator["points"]] == [
        ("2023", "12", "ok", "12"),
        ("2024", None, "suppressed", "<5"),
        ("2025", None, "missing", ".."),
    ]
    assert indicator["latest"]["label"] == "2023"
    assert indicator["achievement"] == "0.0250"  # from 12, never from the withheld 3
    assert '"3"' not in client.get("/api/v1/programmes/ddns/benefits").get_data(as_text=True)
    assert body["items"][1]["indicators"] == [] and body["items"][1]["progress"] is None


def _patch_risk(client, users, body):
    token = auth_services.issue_token(users.make("admin"))
    db.session.commit()
    return client.patch(
        "/api/v1/programmes/ddns/risks/R1",
        json=body,
        headers={"Authorization": f"Bearer {token}"},
    )


def _risk_r1():
    from portfolio.risks.models import Risk

    db.session.expire_all()
    return db.session.scalar(db.select(Risk).where(Risk.code == "R1"))


@pytest.mark.parametrize("version", [2**31, 2**63, 0, -1])
def test_patch_with_an_impossible_version_is_refused(client, users, version):
    response = _patch_risk(client, users, {"version": version, "owner": "A"})
    assert response.status_code == 422
    assert response.get_json()["error"]["details"]["version"] == ["Ukendt version."]
    assert _risk_r1().owner != "A"


@pytest.mark.parametrize(("field", "limit"), [("title", 300), ("owner", 200)])
def test_patch_refuses_text_longer_than_the_document_allows(client, users, spec, field, limit):
    schema = spec["paths"]["/programmes/{slug}/risks/{code}"]["patch"]["requestBody"]
    properties = schema["content"]["application/json"]["schema"]["properties"]
    assert properties[field]["maxLength"] == limit
    version = _risk_r1().version
    too_long = _patch_risk(client, users, {"version": version, field: "x" * (limit + 1)})
    assert too_long.status_code == 422
    assert too_long.get_json()["error"]["details"][field] == [f"Højst {limit} tegn."]
    longest = _patch_risk(client, users, {"version": version, field: "x" * limit})
    assert longest.status_code == 200
    assert getattr(_risk_r1(), field) == "x" * limit


def test_patch_with_nul_in_text_is_a_bad_request(client, users, spec):
    body = spec["paths"]["/programmes/{slug}/risks/{code}"]["patch"]["requestBody"]
    owner = body["content"]["application/json"]["schema"]["properties"]["owner"]
    with pytest.raises(jsonschema.ValidationError):  # the document says so too
        jsonschema.validate("A\x00B", owner, cls=jsonschema.Draft202012Validator)
    jsonschema.validate("A B", owner, cls=jsonschema.Draft202012Validator)
    version = _risk_r1().version
    response = _patch_risk(client, users, {"version": version, "owner": "A\x00B"})
    assert response.status_code == 400
    assert "NUL" in response.get_json()["error"]["message"]
    assert _risk_r1().owner != "A\x00B"


@pytest.mark.parametrize(
    "body",
    [{"owner": "x\ud800y"}, {"title": "\udfff"}, {"owner": ["x"], "\ud800": "k"}],
)
def test_patch_with_a_lone_surrogate_is_a_bad_request(client, users, body):
    """Issue 11 finding 6: a lone surrogate (valid JSON, no text) was a 500."""
    before = _risk_r1()
    owner, title = before.owner, before.title
    response = _patch_risk(client, users, {"version": before.version, **body})
    assert response.status_code == 400
    assert "enlig surrogat" in response.get_json()["error"]["message"]
    db.session.expire_all()
    assert (_risk_r1().owner, _risk_r1().title) == (owner, title)


def test_patch_removes_control_characters_and_needs_a_visible_title(client, users):
    version = _risk_r1().version
    blank = _patch_risk(client, users, {"version": version, "title": "\u200b\u2060 \x01"})
    assert blank.status_code == 422
    assert blank.get_json()["error"]["details"]["title"] == ["Feltet skal udfyldes."]
    response = _patch_risk(client, users, {"version": version, "owner": "Ny\x0bejer\x1b\x7f"})
    assert response.status_code == 200
    assert response.get_json()["owner"] == "Ny\nejer"
    assert _risk_r1().owner == "Ny\nejer"


def test_patch_takes_a_version_written_as_a_whole_float(client, users):
    """JSON has one number type; the document's "integer" includes 3.0 (JSON Schema)."""
    version = _risk_r1().version
    response = _patch_risk(client, users, {"version": float(version), "owner": "Ny ejer"})
    assert response.status_code == 200
    assert _risk_r1().owner == "Ny ejer"
    half = _patch_risk(client, users, {"version": version + 1.5, "owner": "Anden"})
    assert half.status_code == 422


def test_patch_with_a_blank_title_is_refused_as_documented(client, users, spec):
    body = spec["paths"]["/programmes/{slug}/risks/{code}"]["patch"]["requestBody"]
    title = body["content"]["application/json"]["schema"]["properties"]["title"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(" \x1e", title, cls=jsonschema.Draft202012Validator)
    response = _patch_risk(client, users, {"version": _risk_r1().version, "title": " \x1e"})
    assert response.status_code == 422
    assert response.get_json()["error"]["details"]["title"] == ["Feltet skal udfyldes."]
