"""Every table and field the trail can name has a name users read, in Danish and English."""

import enum

import sqlalchemy as sa

from portfolio.audit import presentation
from portfolio.audit.listeners import SKIPPED_FIELDS
from portfolio.audit.models import AuditEntry
from portfolio.extensions import db


def _audited_mappers():
    return [
        m
        for m in db.Model.registry.mappers
        if getattr(m.class_, "__audit__", True) and m.class_ is not AuditEntry
    ]


def _fields(mapper):
    columns = [a.key for a in mapper.column_attrs if a.key not in SKIPPED_FIELDS]
    collections = [
        r.key
        for r in mapper.relationships
        if r.secondary is not None or (r.uselist and "delete-orphan" in r.cascade)
    ]
    return columns + collections


def test_every_audited_table_and_field_has_a_label(app):
    with app.test_request_context():
        unnamed, unlabelled = [], []
        for mapper in _audited_mappers():
            table = mapper.class_.__tablename__
            if presentation.entity_name(table) == table:
                unnamed.append(table)
            for name in _fields(mapper):
                if presentation.field_label(table, name) == name:
                    unlabelled.append(f"{table}.{name}")
        assert unnamed == [] and unlabelled == []


def test_every_audited_enum_value_shows_as_a_label(app):
    with app.test_request_context():
        raw = []
        for mapper in _audited_mappers():
            table = mapper.class_.__tablename__
            for attr in mapper.column_attrs:
                kind = attr.columns[0].type
                if isinstance(kind, sa.Enum) and kind.enum_class is not None:
                    members: list[enum.Enum] = list(kind.enum_class)
                    for member in members:
                        shown = presentation.format_value(table, attr.key, member.value)
                        if shown == member.value:
                            raw.append(f"{table}.{attr.key}={member.value}")
        assert raw == []


def test_labels_are_english_on_the_english_pages(app):
    with app.test_request_context("/?lang=en"):
        assert presentation.entity_name("budget_lines") == "Budget line"
        assert presentation.field_label("risks", "residual_probability") == (
            "Probability after mitigation"
        )
        assert presentation.action_name("update") == "Changed"
