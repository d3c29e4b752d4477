"""The OpenAPI 3 description of API v1, served at /api/v1/openapi.json."""

from __future__ import annotations

from portfolio.api import bodies
from portfolio.api import writes as w
from portfolio.core.text import visible_text_pattern


def _string(nullable: bool = False, **extra) -> dict:
    schema = {"type": ["string", "null"] if nullable else "string", **extra}
    return schema


def _amount(nullable: bool = False) -> dict:
    return _string(
        nullable, pattern=r"^-?\d+\.\d{1,3}$", description="Mio. kr. as an exact decimal string"
    )


def _month(nullable: bool = False) -> dict:
    return _string(nullable, pattern=r"^\d{4}-\d{2}$", description="A month, YYYY-MM")


def _decimal(nullable: bool = False, **extra) -> dict:
    extra.setdefault("description", "An exact decimal as a string")
    return _string(nullable, **extra)


PROGRESS = ["on_track", "at_risk", "off_track"]


def _obj(properties: dict, required: list[str] | None = None) -> dict:
    return {
        "type": "object",
        "properties": properties,
        "required": required if required is not None else list(properties),
        "additionalProperties": False,
    }


def _list(items: dict) -> dict:
    return {"type": "array", "items": items}


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _items(name: str) -> dict:
    return _obj({"items": _list(_ref(name))})


_SUMMARY_BASE = {
    "slug": _string(),
    "name": _string(),
    "short_name": _string(),
    "status": {"type": "string", "enum": ["planned", "active", "closing", "closed"]},
    "period": _ref("Period"),
    "owner": _obj({"name": _string(True), "title": _string(True), "organisation": _string(True)}),
    "current_phase": _string(True),
}
COLOURS = ["green", "yellow", "red", "none"]
DIMENSIONS = ["schedule", "cost", "risks", "benefits", "scope"]


SCHEMAS = {
    "Error": _obj(
        {
            "error": _obj(
                {
                    "status": {"type": "integer"},
                    "code": {"type": "string"},
                    "message": {"type": "string"},
                    "details": {"type": "object"},
                },
                ["status", "code", "message"],
            )
        }
    ),
    "Period": _obj(
        {
            "start": _month(True),
            "end": _month(True),
            "precision": {"type": "string", "enum": ["month", "year"]},
        }
    ),
    "ProgrammeSummary": _obj(
        {
            **_SUMMARY_BASE,
            # The overview's figures, the same values as the portfolio overview shows.
            "overall_light": {"type": "string", "enum": COLOURS},
            "lights": _obj({d: {"type": "string", "enum": COLOURS} for d in DIMENSIONS}),
            "budget": {
                "oneOf": [
                    {"type": "null"},
                    _obj(
                        {
                            "approved": _amount(),
                            "estimate_at_completion": _amount(),
                            "variance": _amount(),
                        }
                    ),
                ],
                "description": "Approved budget (sum of the approved years), estimate at "
                "completion and their difference (positive: an overrun); null without an "
                "approved budget",
            },
            "next_milestone": {
                "oneOf": [
                    {"type": "null"},
                    _obj(
                        {
                            "date": _string(format="date"),
                            "title": _string(),
                            "overdue": {"type": "boolean"},
                        }
                    ),
                ]
            },
            "next_decision": {
                "oneOf": [
                    {"type": "null"},
                    _obj(
                        {
                            "date": _string(True, format="date"),
                            "title": _string(),
                            "overdue": {"type": "boolean"},
                        }
                    ),
                ]
            },
        }
    ),
    "Project": _obj(
        {
            "code": _string(),
            "name": _string(),
            "track": {"type": ["integer", "null"]},
            "owner": _string(True),
            "status": {"type": "string", "enum": ["planned", "active", "completed", "cancelled"]},
            "period": _ref("Period"),
            "percent_complete": {"type": ["integer", "null"], "minimum": 0, "maximum": 100},
            "description": _string(),
            "version": {"type": "integer"},
        }
    ),
    "Milestone": _obj(
        {
            "id": {"type": "integer"},
            "title": _string(),
            "kind": {"type": "string", "enum": ["milestone", "deliverable"]},
            "planned_on": _string(format="date"),
            "forecast_on": _string(True, format="date"),
            "done_on": _string(True, format="date"),
            "status": {"type": "string", "enum": ["planned", "done", "cancelled"]},
            "track": {"type": ["integer", "null"], "description": "The track's number"},
            "project": _string(True, description="The project's code"),
            "description": _string(),
            "version": {"type": "integer"},
        }
    ),
    "ImportReport": _obj(
        {
            "dry_run": {
                "type": "boolean",
                "description": "Only a preview: the import was run and rolled back",
            },
            "changed": {
                "type": "boolean",
                "description": "The file creates or changes something (false: Styrbord holds it)",
            },
            "programmes": _list(_string(description="A slug")),
            "created": _list(_ref("ImportCount")),
            "updated": _list(_ref("ImportCount")),
        }
    ),
    "ImportCount": _obj(
        {
            "entity": _string(description="The table, e.g. risks"),
            "label": _string(description="The kind of object as the audit log names it"),
            "count": {"type": "integer", "minimum": 1},
        }
    ),
    "Track": _obj(
        {
            "number": {"type": "integer"},
            "name": _string(),
            "description": _string(),
            "deliverables": _list(_obj({"text": _string(), "source_note": _string(True)})),
        }
    ),
    "TimelineItem": _obj(
        {
            "name": _string(),
            "kind": {"type": "string", "enum": ["phase", "wave"]},
            "start": _month(),
            "end": _month(),
        }
    ),
    "Risk": _obj(
        {
            "code": _string(),
            "title": _string(),
            "description": _string(),
            "consequence_text": _string(),
            "probability": {"type": "string", "enum": ["low", "medium", "high"]},
            "consequence": {"type": "string", "enum": ["low", "medium", "high"]},
            "score": {
                "type": "integer",
                "minimum": 1,
                "maximum": 9,
                "description": "The gross score: probability × consequence",
            },
            "residual_score": {
                "type": ["integer", "null"],
                "minimum": 1,
                "maximum": 9,
                "description": "The score expected after mitigation, when assessed",
            },
            "residual_counts": {
                "type": "boolean",
                "description": "The residual score counts: every mitigation action is done",
            },
            "current_score": {
                "type": "integer",
                "minimum": 1,
                "maximum": 9,
                "description": (
                    "The score that counts (risk light, matrix, ranking): the gross one "
                    "until the mitigation actions are done"
                ),
            },
            "assessment_note": _string(True),
            "owner": _string(True),
            "status": {"type": "string", "enum": ["open", "mitigated", "closed", "occurred"]},
            "track": {"type": ["integer", "null"]},
            "version": {"type": "integer"},
        }
    ),
    "Benefit": _obj(
        {
            "code": _string(),
            "name": _string(),
            "types": _list(
                {"type": "string", "enum": ["economic", "socio_economic", "non_economic"]}
            ),
            "description": _string(),
            "recipients": _list(_string()),
            "owner": _string(True),
            "responsible": _string(True),
            "operations_owner": _string(True),
            "handed_over_on": _string(True, format="date"),
            "is_disbenefit": {"type": "boolean"},
            "retired_on": _string(True, format="date"),
            "retired_reason": _string(True),
            "tracks": _list({"type": "integer"}),
            "projects": _list(_string()),
            "progress": {"type": ["string", "null"], "enum": [*PROGRESS, None]},
            "indicators": _list(_ref("Indicator")),
            "version": {"type": "integer"},
        }
    ),
    "Indicator": _obj(
        {
            "code": _string(),
            "name": _string(),
            "kind": {
                "type": "string",
                "enum": ["benefit", "delivery", "data_quality", "key_risk"],
            },
            "definition": _string(),
            "unit": _string(),
            "decimals": {"type": "integer"},
            "direction": {"type": "string", "enum": ["higher", "lower"]},
            "frequency": {"type": "string", "enum": ["month", "quarter", "half_year", "year"]},
            "method": _string(),
            "baseline": _ref("PlanPoint"),
            "target": _ref("PlanPoint"),
            "trajectory": _list(_obj({"period": _month(), "value": _decimal()})),
            "threshold_value": _decimal(True),
            "disclosure_threshold": {"type": "integer"},
            "source": _string(description="The source's name, or 'Manuel indtastning'"),
            "is_demo": {"type": "boolean", "description": "Figures from the demo data platform"},
            "data_as_of": _string(True, format="date-time"),
            "stale_since": _string(True, format="date-time"),
            "points": _list(_ref("IndicatorPoint")),
            "latest": {"oneOf": [{"type": "null"}, _ref("IndicatorPoint")]},
            "achievement": _decimal(
                True, description="(actual - baseline) / (target - baseline); null if withheld"
            ),
            "progress": {"type": ["string", "null"], "enum": [*PROGRESS, None]},
            "rule": _string(description="The progress rule applied, with its numbers"),
        }
    ),
    "PlanPoint": _obj({"period": _month(True), "value": _decimal(True)}),
    "IndicatorPoint": _obj(
        {
            "period": _month(),
            "label": _string(description="The period as shown: 2025, K3 2025, jan. 2025"),
            "value": _decimal(
                True,
                description="Null when withheld: below the disclosure threshold, "
                "suppressed or missing at the source. Never an exact withheld count.",
            ),
            "status": {
                "type": "string",
                "enum": [
                    "ok",
                    "suppressed",
                    "missing",
                    "not_applicable",
                    "provisional",
                    "estimated",
                    "break",
                ],
            },
            "shown": _string(description='The text shown: "1.234,5", "<5", "..", "–"'),
        }
    ),
    "Stakeholder": _obj(
        {
            "name": _string(),
            "attitude": {"type": "string", "enum": ["positive", "neutral", "negative"]},
            "involvement": _string(),
        }
    ),
    "BudgetTable": _obj(
        {
            "unit": {"type": "string", "enum": ["mio. kr."]},
            "baseline": {
                "oneOf": [
                    {"type": "null"},
                    _obj(
                        {
                            "number": {"type": "integer"},
                            "approved_on": _string(format="date"),
                            "approved_by": _string(),
                            "document": _string(),
                        }
                    ),
                ]
            },
            "columns": _list(_string()),
            "rows": _list(
                _obj(
                    {
                        "position": {"type": "integer"},
                        "label": _string(),
                        "track": {"type": ["integer", "null"]},
                        "cross_cutting": {"type": "boolean"},
                        "label_note": _string(True),
                        "amounts": {"type": "object", "additionalProperties": _amount()},
                        "computed_total": _amount(),
                        "printed_total": _amount(True),
                    }
                )
            ),
            "column_totals": {
                "type": "object",
                "additionalProperties": _obj({"computed": _amount(), "printed": _amount(True)}),
            },
            "discrepancies": _list(
                _obj(
                    {
                        "where": _string(),
                        "printed": _amount(),
                        "computed": _amount(),
                        "difference": _amount(),
                    }
                )
            ),
        }
    ),
}

_AMOUNTS = {"type": "object", "additionalProperties": _amount()}
SCHEMAS["Light"] = _obj(
    {
        "colour": {"type": "string", "enum": ["green", "yellow", "red", "none"]},
        "reason": _string(),
        "rule": _string(),
        "figures": _list(_obj({"label": _string(), "value": _string()})),
        "based_on_demo_data": {
            "type": "boolean",
            "description": "The colour was decided by figures from the demo data platform",
        },
    }
)
SCHEMAS["Rollup"] = _obj(
    {
        "colour": {
            "type": "string",
            "enum": ["green", "yellow", "red", "none"],
            "description": "The worst assessed light; none when most lights are unassessed",
        },
        "label": _string(description='In words, e.g. "Gul – 2 af 5 lys uden vurdering"'),
        "unknown": {"type": "integer", "description": "Lights without an assessment"},
        "total": {"type": "integer"},
        "rule": _string(),
        "based_on_demo_data": {"type": "boolean"},
    }
)
SCHEMAS["Status"] = _obj(
    {
        "today": _string(format="date"),
        "overall": _ref("Rollup"),
        "based_on_demo_data": {"type": "boolean"},
        "lights": _list(
            _obj(
                {
                    "dimension": {
                        "type": "string",
                        "enum": ["schedule", "cost", "risks", "benefits", "scope"],
                    },
                    "label": _string(),
                    "light": _ref("Light"),
                    "overridden": {"type": "boolean"},
                }
            )
        ),
        "tracks": _list(
            _obj(
                {
                    "number": {"type": "integer"},
                    "name": _string(),
                    "overall": _ref("Rollup"),
                    "parts": _obj(
                        {"schedule": _ref("Light"), "cost": _ref("Light"), "risks": _ref("Light")}
                    ),
                }
            )
        ),
        "top_risks": _list(_string()),
    }
)
SCHEMAS["Budget"] = _obj(
    {
        **SCHEMAS["BudgetTable"]["properties"],
        "years": _list(_string()),
        "versions": _list(
            _obj(
                {
                    "number": {"type": "integer"},
                    "approved_on": _string(format="date"),
                    "approved_by": _string(),
                    "document": _string(),
                    "reason": _string(),
                    "decision": _string(),
                    "current": {"type": "boolean"},
                }
            )
        ),
        "figures": _list(
            _obj(
                {
                    "position": {"type": "integer"},
                    "label": _string(),
                    "baseline": _AMOUNTS,
                    "forecast": _AMOUNTS,
                    "actual": _AMOUNTS,
                    "variance": _obj({"forecast": _AMOUNTS, "actual": _AMOUNTS}),
                    "estimate": _AMOUNTS,
                    "cost_light": _ref("Light"),
                }
            )
        ),
        "closed_years": _list(_string()),
        "estimate_at_completion": _amount(),
        "cost_light": _ref("Light"),
    }
)

SCHEMAS["ProgrammeDetail"] = _obj(
    {
        **_SUMMARY_BASE,
        "primary_purpose": _string(True),
        "programme_model": _string(True),
        "programme_model_version": _string(True),
        "document_version": _string(True),
        "vision": _string(),
        "vision_goals": _list(_string()),
        "purpose": _string(),
        "conditions": _string(),
        "as_is": _string(),
        "to_be": _string(),
        "implementation": _string(),
        "approvals": _list(
            _obj({"body": _string(), "date": _string(format="date"), "version": _string()})
        ),
        "revisions": _list(
            _obj({"version": _string(), "date": _string(format="date"), "description": _string()})
        ),
        "tracks": _list(_ref("Track")),
        "projects": _list(_ref("Project")),
        "timeline": _list(_ref("TimelineItem")),
        "annexes": _list(_obj({"title": _string(), "kind": _string()})),
    }
)

ERRORS = {
    "401": {
        "description": "Not signed in and no valid bearer token",
        "content": {"application/json": {"schema": _ref("Error")}},
    },
    "403": {
        "description": "The user may not see this programme",
        "content": {"application/json": {"schema": _ref("Error")}},
    },
    "404": {
        "description": "No such programme",
        "content": {"application/json": {"schema": _ref("Error")}},
    },
}

SLUG = {
    "name": "slug",
    "in": "path",
    "required": True,
    "schema": {"type": "string"},
    "example": "ddns",
}


def _get(summary: str, schema: dict, with_slug: bool = True) -> dict:
    operation = {
        "summary": summary,
        "responses": {
            "200": {"description": "OK", "content": {"application/json": {"schema": schema}}},
            "401": ERRORS["401"],
        },
    }
    if with_slug:
        operation["parameters"] = [SLUG]
        operation["responses"].update({"403": ERRORS["403"], "404": ERRORS["404"]})
    return {"get": operation}


NO_NUL = w.NO_NUL
VISIBLE_TEXT = w.VISIBLE_TEXT  # filled in by the first document built (build_spec)


def _error(description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": _ref("Error")}}}


def _path_parameter(name: str, schema: dict, example) -> dict:
    return {"name": name, "in": "path", "required": True, "schema": schema, "example": example}


RISK_CODE = _path_parameter("code", {"type": "string"}, "R1")
PROJECT_CODE = _path_parameter("code", {"type": "string"}, "1.1")
MILESTONE_ID = _path_parameter("milestone_id", {"type": "integer"}, 1)

SESSION_NOTE = (
    " With a session cookie instead of a bearer token, send the CSRF token in the "
    "`X-CSRFToken` header."
)
FIELD_ERRORS = (
    "Invalid fields: `details` holds a list of messages per field (in Danish, or English "
    "with `?lang=en` or `Accept-Language: en`); no message repeats a value"
)


def _write(
    summary: str,
    description: str,
    parameters: list[dict],
    body: dict,
    success: tuple[str, str, dict],
    *,
    versioned: bool,
) -> dict:
    """A write operation: its body, its answer and every error it may give."""
    status, what, schema = success
    responses = {
        status: {"description": what, "content": {"application/json": {"schema": schema}}},
        "400": _error(
            "Missing CSRF token (session authentication), or text with a NUL character or a "
            "lone surrogate"
        ),
        "401": ERRORS["401"],
        "403": _error("The user may not see the programme or lacks the right to change this"),
        "404": ERRORS["404"],
        "422": _error(FIELD_ERRORS),
    }
    if versioned:
        responses["409"] = _error(
            "Changed by someone else since `version`: `details` holds `current_version` "
            "and the changes made since"
        )
    else:
        responses["409"] = _error("A parallel request stored the same code a moment earlier")
    if status == "201":
        responses[status]["headers"] = {
            "Location": {
                "description": "Where the new object is read",
                "schema": {"type": "string"},
            }
        }
    return {
        "summary": summary,
        "description": description + SESSION_NOTE,
        "parameters": [SLUG, *parameters],
        "requestBody": {"required": True, "content": {"application/json": {"schema": body}}},
        "responses": responses,
    }


def _update(summary: str, parameters: list[dict], fields: dict, schema: dict) -> dict:
    return _write(
        summary,
        "Send the fields to change and the `version` the change is based on. A stale version "
        "is refused with 409 and the changes made since.",
        parameters,
        w.request_schema(fields, versioned=True),
        ("200", "The changed object", schema),
        versioned=True,
    )


def _create(summary: str, description: str, fields: dict, schema: dict) -> dict:
    return _write(
        summary,
        description,
        [],
        w.request_schema(fields, versioned=False, creating=True),
        ("201", "The new object", schema),
        versioned=False,
    )


RISK_PATCH = _update(
    "Change a risk (optimistic locking: send the version you read)",
    [RISK_CODE],
    bodies.RISK,
    _ref("Risk"),
)
# As before the writes shared one reading: the 403 and 409 descriptions of the risk's own.
RISK_PATCH["responses"]["200"]["description"] = "The changed risk"
RISK_PATCH["responses"]["403"] = ERRORS["403"]
RISK_PATCH["responses"]["409"] = _error("Changed by someone else since `version`")
RISK_PATCH["responses"]["422"] = _error("Invalid fields")
RISK_PATCH["description"] = (
    "Send the fields to change and the `version` the change is based on. A stale version "
    "is refused with 409 and the changes made since." + SESSION_NOTE
)

MILESTONE_POST = _create(
    "Add a milestone or deliverable",
    "`track` is a track's number, `project` a project's code (the milestone then lies in "
    "the project's track); a track lead may add them to their own track only. A milestone "
    "`done` needs `done_on`.",
    bodies.MILESTONE,
    _ref("Milestone"),
)
MILESTONE_PATCH = _update(
    "Change a milestone (optimistic locking: send the version you read)",
    [MILESTONE_ID],
    bodies.MILESTONE,
    _ref("Milestone"),
)
PROJECT_POST = _create(
    "Add a project",
    "`track` is a track's number; a track lead may add projects to their own track only. "
    "Months are YYYY-MM; the end may not lie before the start. The code must be free.",
    bodies.PROJECT,
    _ref("Project"),
)
PROJECT_PATCH = _update(
    "Change a project (optimistic locking: send the version you read)",
    [PROJECT_CODE],
    bodies.PROJECT,
    _ref("Project"),
)


def _programme_file_schemas() -> dict:
    """The programme file's JSON Schema as components: ProgrammeFile and ProgrammeFile.X."""
    import json

    from portfolio.seed.programme_file import programme_file_schema

    schema = programme_file_schema()
    text = json.dumps(schema).replace('"#/$defs/', '"#/components/schemas/ProgrammeFile.')
    schema = json.loads(text)
    definitions = schema.pop("$defs", {})
    schema.pop("$schema", None)
    return {"ProgrammeFile": schema} | {f"ProgrammeFile.{k}": v for k, v in definitions.items()}


PROGRAMME_FILE_POST = {
    "summary": "Import a programme file, or see what importing it would do",
    "description": (
        "The body is a programme file as `flask --app app import programme` takes it "
        "(docs/programme-file.md): YAML, or the same as JSON, at most 5 MB. The whole file is "
        "validated first; then what is missing is created and what differs is changed, in "
        "one transaction. With `dry_run=true` the very import is run and rolled back, and "
        "the answer says what it would create and change. Administrators only: a file may "
        "create programmes and change any of them." + SESSION_NOTE
    ),
    "parameters": [
        {
            "name": "dry_run",
            "in": "query",
            "required": False,
            "schema": {"type": "boolean", "default": False},
            "description": "Only say what the import would do; change nothing",
        }
    ],
    "requestBody": {
        "required": True,
        "content": {
            "application/yaml": {
                "schema": {"type": "string", "description": "The programme file's YAML text"}
            },
            "application/json": {"schema": _ref("ProgrammeFile")},
        },
    },
    "responses": {
        "200": {
            "description": "What was (or, in a dry run, would be) created and changed",
            "content": {"application/json": {"schema": _ref("ImportReport")}},
        },
        "400": _error("Missing CSRF token (session authentication)"),
        "401": ERRORS["401"],
        "403": _error("Only administrators may import programme files"),
        "409": _error("A parallel request stored the same object a moment earlier"),
        "413": _error("The file is larger than 5 MB"),
        "422": _error(
            "The file cannot be imported and nothing changed: `details.problems` lists every "
            "problem with its line and path in the file, as the command does (in English), "
            "never what the file held there; or a wrong content type or `dry_run`"
        ),
    },
}

# ------------------------------------------------------------------ change requests

_CHANGE_KINDS = ["timeline", "milestone", "budget", "indicator", "deliverable", "project"]
_CHANGE_STATUSES = ["draft", "submitted", "approved", "rejected", "postponed"]
# The days the app takes (core/validators.day_refusal): years 1900 to 2199.
_DAY_IN = {"type": "string", "format": "date", "pattern": "^(19|20|21)\\d{2}-\\d{2}-\\d{2}$"}

SCHEMAS["ChangeItem"] = _obj(
    {
        "position": {"type": "integer"},
        "kind": {"type": "string", "enum": _CHANGE_KINDS},
        "area": {"type": "string", "enum": ["schedule", "budget", "benefits", "scope"]},
        "operation": {"type": "string", "enum": ["add", "change", "remove", "status"]},
        "target_id": {"type": ["integer", "null"]},
        "target": _string(True),
        "period": _string(True),
        "new_start": _month(True),
        "new_end": _month(True),
        "new_date": _string(True, format="date"),
        "delta": _decimal(True, description="Change of the approved amount, mio. kr."),
        "new_value": _decimal(True),
        "new_period": _month(True),
        "text": _string(),
        "new_code": _string(True),
        "new_status": _string(True),
        "applied": {
            "oneOf": [
                {"type": "null"},
                _obj({"subject": _string(), "before": _string(True), "after": _string(True)}),
            ],
            "description": "What an approval changed (raw values before and after)",
        },
    }
)
SCHEMAS["ChangeRequest"] = _obj(
    {
        "code": _string(description="ÆA1, ÆA2 …"),
        "title": _string(),
        "reason": _string(),
        "impact": _string(),
        "requested_by": _string(),
        "requested_on": _string(format="date"),
        "decision_wanted_on": _string(True, format="date"),
        "status": {"type": "string", "enum": _CHANGE_STATUSES},
        "submitted_on": _string(True, format="date"),
        "decided_on": _string(True, format="date"),
        "decision_text": _string(),
        "meeting": _string(),
        "decided_by": _string(True),
        "baseline_number": {"type": ["integer", "null"]},
        "version": {"type": "integer"},
        "items": _list(_ref("ChangeItem")),
    }
)
_CODE = {"name": "code", "in": "path", "required": True, "schema": {"type": "string"}}
_WRITE_ERRORS = {
    "400": {
        "description": "Missing CSRF token (session authentication), or text with NUL",
        "content": {"application/json": {"schema": _ref("Error")}},
    },
    "401": ERRORS["401"],
    "403": ERRORS["403"],
    "404": ERRORS["404"],
    "422": {
        "description": "Invalid fields, or a change that cannot be made (nothing changed)",
        "content": {"application/json": {"schema": _ref("Error")}},
    },
}
_ITEM_IN = {
    "type": "object",
    "properties": {
        "version": {"type": "integer", "minimum": 1, "maximum": 2**31 - 1},
        "kind": {"type": "string", "enum": _CHANGE_KINDS},
        "operation": {"type": "string", "enum": ["add", "change", "remove", "status"]},
        "target_id": {"type": "integer", "minimum": 1},
        "period": {"type": "string", "description": "A budget year, or 'varigt'"},
        "new_start": _month(),
        "new_end": _month(),
        "new_date": _DAY_IN,
        "delta": _string(pattern=r"^-?\d+(\.\d{1,3})?$"),
        "new_value": _string(pattern=r"^-?\d+(\.\d+)?$"),
        "new_period": _month(),
        "text": {"type": "string", "maxLength": 5000, **NO_NUL},
        "new_code": {"type": "string", "maxLength": 20},
        "new_status": {"type": "string", "enum": ["planned", "active", "completed", "cancelled"]},
    },
    "required": ["version", "kind"],
    "additionalProperties": False,
}


def _change_write(summary: str, schema: dict, ok: str, status: str = "200") -> dict:
    return {
        "post": {
            "summary": summary,
            "parameters": [SLUG, _CODE],
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": schema}},
            },
            "responses": {
                status: {
                    "description": ok,
                    "content": {"application/json": {"schema": _ref("ChangeRequest")}},
                },
                **_WRITE_ERRORS,
                "409": {
                    "description": "Changed by someone else since `version`",
                    "content": {"application/json": {"schema": _ref("Error")}},
                },
            },
        }
    }


CHANGE_REQUEST_PATHS = {
    "/programmes/{slug}/change-requests": {
        **_get("The programme's change requests, newest first", _items("ChangeRequest")),
        "post": {
            "summary": (
                "Create a draft change request; add its changes with …/{code}/items and put "
                "it forward with …/{code}/submit"
            ),
            "parameters": [SLUG],
            "requestBody": {
                "required": True,
                "content": {
                    "application/json": {
                        "schema": {
                            "type": "object",
                            "properties": {
                                "title": {
                                    "type": "string",
                                    "minLength": 1,
                                    "maxLength": 300,
                                    "allOf": [NO_NUL, VISIBLE_TEXT],
                                },
                                "reason": {"type": "string", "maxLength": 20000, **NO_NUL},
                                "impact": {"type": "string", "maxLength": 20000, **NO_NUL},
                                "requested_by": {
                                    "type": "string",
                                    "minLength": 1,
                                    "maxLength": 200,
                                    "allOf": [NO_NUL, VISIBLE_TEXT],
                                },
                                "requested_on": _DAY_IN,
                                "decision_wanted_on": _DAY_IN,
                            },
                            "required": ["title", "requested_by"],
                            "additionalProperties": False,
                        }
                    }
                },
            },
            "responses": {
                "201": {
                    "description": "The new change request",
                    "content": {"application/json": {"schema": _ref("ChangeRequest")}},
                },
                **_WRITE_ERRORS,
            },
        },
    },
    "/programmes/{slug}/change-requests/{code}": {
        "get": {
            **_get(
                "A change request with its proposed (and, once approved, applied) changes",
                _ref("ChangeRequest"),
            )["get"],
            "parameters": [SLUG, _CODE],
        }
    },
    "/programmes/{slug}/change-requests/{code}/items": _change_write(
        "Add a proposed change to a draft (send the request's version)",
        _ITEM_IN,
        "The change request with the change added",
        "201",
    ),
    "/programmes/{slug}/change-requests/{code}/submit": _change_write(
        "Put a draft forward for the steering group's decision",
        {
            "type": "object",
            "properties": {"version": {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}},
            "required": ["version"],
            "additionalProperties": False,
        },
        "The submitted change request",
    ),
    "/programmes/{slug}/change-requests/{code}/decide": {
        "post": {
            "summary": (
                "Record the steering group's decision (optimistic locking: send the version "
                "you read); approval applies every change in one transaction"
            ),
            "parameters": [SLUG, _CODE],
            "requestBody": {
                "required": True,
                "content": {
                    "application/json": {
                        "schema": {
                            "type": "object",
                            "properties": {
                                "version": {
                                    "type": "integer",
                                    "minimum": 1,
                                    "maximum": 2**31 - 1,
                                },
                                "outcome": {
                                    "type": "string",
                                    "enum": ["approved", "rejected", "postponed"],
                                },
                                "decided_on": _DAY_IN,
                                "decision_text": {"type": "string", "maxLength": 20000},
                                "meeting": {"type": "string", "maxLength": 300},
                            },
                            "required": ["version", "outcome", "decided_on", "decision_text"],
                            "additionalProperties": False,
                        }
                    }
                },
            },
            "responses": {
                "200": {
                    "description": "The decided change request",
                    "content": {"application/json": {"schema": _ref("ChangeRequest")}},
                },
                **_WRITE_ERRORS,
                "409": {
                    "description": "Changed by someone else since `version`",
                    "content": {"application/json": {"schema": _ref("Error")}},
                },
            },
        }
    },
}


def _with(operation: dict, parameter: dict, not_found: str) -> dict:
    """A read of one object: the programme's parameters and the object's own."""
    return {
        **operation,
        "parameters": [*operation["parameters"], parameter],
        "responses": {
            **operation["responses"],
            "404": _error(f"No such programme, or {not_found[0].lower() + not_found[1:]}"),
        },
    }


def build_spec() -> dict:
    """Return the OpenAPI document."""
    VISIBLE_TEXT.setdefault("pattern", visible_text_pattern())
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Styrbord API",
            "version": "1",
            "description": (
                "Read the programmes of the portfolio; change risks, milestones and projects; "
                "import programme files. Authenticate with the session cookie "
                "of a signed-in user or with `Authorization: Bearer <token>` (a personal "
                "token from `flask --app app users token EMAIL`). Amounts are mio. kr. as "
                "decimal strings; months are YYYY-MM."
            ),
        },
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearer": []}, {"session": []}],
        "paths": {
            "/programmes": _get(
                "List the programmes you may see", _items("ProgrammeSummary"), with_slug=False
            ),
            "/programmes/{slug}": _get(
                "A programme with tracks, projects, phases and waves", _ref("ProgrammeDetail")
            ),
            "/programmes/{slug}/budget": _get(
                "The approved budget (printed totals beside computed sums), its versions, "
                "forecast, actual spend, variance and the cost lights",
                {"oneOf": [{"type": "null"}, _ref("Budget")]},
            ),
            "/programmes/{slug}/status": _get(
                "The status page's lights: the overall light (never green from unassessed "
                "lights), each light with its rule, the tracks' lights and the top risks; "
                "`based_on_demo_data` marks colours decided by demo data",
                _ref("Status"),
            ),
            "/programmes/{slug}/risks": _get("The programme's risks", _items("Risk")),
            "/programmes/{slug}/risks/{code}": {"patch": RISK_PATCH},
            "/programmes/{slug}/milestones": {
                **_get(
                    "The programme's milestones and deliverables by planned date",
                    _items("Milestone"),
                ),
                "post": MILESTONE_POST,
            },
            "/programmes/{slug}/milestones/{milestone_id}": {
                "get": _with(
                    _get("A milestone", _ref("Milestone"))["get"], MILESTONE_ID, "No such milestone"
                ),
                "patch": MILESTONE_PATCH,
            },
            "/programmes/{slug}/projects": {
                **_get("The programme's projects", _items("Project")),
                "post": PROJECT_POST,
            },
            "/programmes/{slug}/projects/{code}": {
                "get": _with(
                    _get("A project", _ref("Project"))["get"], PROJECT_CODE, "No such project"
                ),
                "patch": PROJECT_PATCH,
            },
            "/programme-files": {"post": PROGRAMME_FILE_POST},
            "/programmes/{slug}/benefits": _get(
                "The programme's benefits with their indicators and latest observations "
                "(disclosure control applied)",
                _items("Benefit"),
            ),
            "/programmes/{slug}/stakeholders": _get(
                "The programme's stakeholders", _items("Stakeholder")
            ),
            **CHANGE_REQUEST_PATHS,
        },
        "components": {
            "schemas": SCHEMAS | _programme_file_schemas(),
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer"},
                "session": {"type": "apiKey", "in": "cookie", "name": "session"},
            },
        },
    }
