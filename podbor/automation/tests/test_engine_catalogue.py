"""The operator catalogue: what the designer's panel shows and what every service call is checked against."""

import json

import pytest

from podbor.automation.engine import CATALOGUE, catalogue_as_json, iso_duration, validate_params
from podbor.automation.tests.test_engine_helpers import T0

pytestmark = []


def test_catalogue_lists_podbors_operators_with_labels_in_both_languages():
    panel = json.loads(json.dumps(catalogue_as_json()))

    assert set(panel) == {"create_task", "move_to_stage", "set_field", "assign_by_rule", "close_lost", "send_message",
                          "http_request", "notify", "create_linked_deal", "start_process"}
    for operator in panel.values():
        assert operator["label_en"] and operator["label_ru"]
        for param in operator["params"]:
            assert param["label_en"] and param["label_ru"]
            assert param["type"] in {"str", "int", "float", "bool", "list", "dict", "any"}
    assert [p["name"] for p in panel["create_task"]["params"]] == ["kind", "title", "due_in", "assignee",
                                                                   "checklist"]


def test_defaults_are_filled_in():
    clean, problems = validate_params("create_task", {"title": "Call back"})

    assert problems == []
    assert clean == {"kind": "call", "title": "Call back", "due_in": None, "assignee": "responsible", "checklist": []}


def test_defaults_are_not_shared_between_calls():
    first, _ = validate_params("create_task", {"title": "a"})
    first["checklist"].append("changed")

    assert validate_params("create_task", {"title": "b"})[0]["checklist"] == []


def test_a_single_user_is_accepted_where_a_list_is_expected():
    clean, problems = validate_params("notify", {"users": "team_lead", "text": "hi"})

    assert (clean["users"], problems) == (["team_lead"], [])


@pytest.mark.parametrize(("operator", "params", "expected"), [
    ("create_task", {"title": "x", "due_in": "tomorrow"}, "must be an ISO 8601 duration"),
    ("create_task", {"title": "x", "assignee": "boss"}, "unexpected value 'boss'"),
    ("create_task", {"title": "x", "checklist": ["ok", 3]}, "items of 'checklist' must be str, not int"),
    ("send_message", {"channel": "sms"}, "give one of template, text"),
    ("http_request", {"url": "ftp://example.org"}, "must be an http(s) URL"),
    ("http_request", {"url": "https://example.org", "timeout": 600}, "between 1 and 30"),
    ("http_request", {"url": "https://example.org", "timeout": True}, "must be int, not bool"),
    ("assign_by_rule", {"rule": 3}, "unknown parameter"),
    ("notify", {"users": ["user:5", "everyone"], "text": "hi"}, "unexpected value 'everyone'"),
    ("start_process", {}, "missing parameter 'process'"),
    ("launch", {}, "unknown operator 'launch'"),
])
def test_bad_values_are_explained(operator, params, expected):
    _clean, problems = validate_params(operator, params)

    assert any(expected in template % values for template, values in problems), problems


def test_set_field_takes_any_json_value():
    for value in ("text", 3, 2.5, True, ["a"], {"k": 1}):
        assert validate_params("set_field", {"field": "salary", "value": value})[1] == []


def test_every_operator_is_an_operator_spec_with_unique_parameter_names():
    for name, spec in CATALOGUE.items():
        assert spec.name == name
        assert len({p.name for p in spec.params}) == len(spec.params)


def test_iso_duration_for_the_host():
    assert iso_duration("PT90S", T0).total_seconds() == 90
    assert iso_duration("P1M", T0).days == 31            # March
    with pytest.raises(ValueError):
        iso_duration("90 seconds")
