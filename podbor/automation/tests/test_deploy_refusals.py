"""Diagrams the host cannot keep are refused at deploy with the reason, never stored half-way or as a 500."""

import pytest

from podbor.automation.models import ProcessDefinition
from podbor.automation.services import MAX_DIAGRAM_BYTES, process_deploy
from podbor.automation.tests.diagrams import call_diagram
from podbor.lib.errors import ValidationFailed


@pytest.mark.parametrize("key", ["templates", "incidents", "new", "x" * 101])
def test_a_process_id_the_pages_cannot_reach_is_refused(db, key):
    with pytest.raises(ValidationFailed) as refused:
        process_deploy(xml=call_diagram(key=key), actor=None)
    assert refused.value.extra["errors"][0]["id"] == key
    assert not ProcessDefinition.objects.exists()


def test_a_diagram_over_the_size_limit_is_refused_before_parsing(db):
    with pytest.raises(ValidationFailed) as refused:
        process_deploy(xml=b" " * (MAX_DIAGRAM_BYTES + 1), actor=None)
    assert "bpmn" in refused.value.fields


def test_an_element_id_longer_than_its_column_is_refused(db):
    xml = call_diagram(key="long_ids").replace('"call"', f'"{"T" * 201}"')
    with pytest.raises(ValidationFailed) as refused:
        process_deploy(xml=xml, actor=None)
    assert any("longer" in e["reason"] for e in refused.value.extra["errors"])


def test_retrying_an_instance_that_never_started_is_refused_clearly(db):
    from podbor.automation.models import ProcessInstance
    from podbor.automation.services import instance_retry
    from podbor.lib.errors import Conflict

    definition = process_deploy(xml=call_diagram(), actor=None)
    failed = ProcessInstance.objects.create(definition=definition, status=ProcessInstance.Status.INCIDENT,
                                            incident={"element": "", "message": "could not start"})
    with pytest.raises(Conflict):
        instance_retry(instance=failed, actor=None)
