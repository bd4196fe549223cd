import pytest

from podbor.conftest import stage_named
from podbor.crm.models import Pipeline, Stage
from podbor.intake.services import source_update
from podbor.lib.errors import ValidationFailed


def test_a_source_update_refuses_a_foreign_or_closed_stage_and_malformed_rules(generic_source, pipeline):
    foreign = Stage.objects.create(pipeline=Pipeline.objects.create(name="Клиенты"), name="Новый", order=1)
    for stage, relevance, field in [
        (foreign, {}, "stage"),
        (stage_named(pipeline, "Работает"), {}, "stage"),
        (None, {"allowed_cities": "Москва"}, "relevance.allowed_cities"),
        (None, {"auto_reply": "Спасибо", "auto_reply_channel": "pigeon"}, "relevance.auto_reply_channel"),
    ]:
        with pytest.raises(ValidationFailed) as refused:
            source_update(source=generic_source, name="Сайт", is_active=True, stage=stage, relevance=relevance)
        assert field in refused.value.fields
    generic_source.refresh_from_db()
    assert (generic_source.stage, generic_source.relevance) == (None, {})


def test_a_source_update_changes_the_name_the_stage_and_the_rules(generic_source, pipeline):
    qualification = stage_named(pipeline, "Квалификация")

    source_update(source=generic_source, name="  Сайт компании ", is_active=False, stage=qualification,
                  relevance={"allowed_cities": ["Москва"]})

    generic_source.refresh_from_db()
    assert (generic_source.name, generic_source.is_active, generic_source.stage) == ("Сайт компании", False,
                                                                                       qualification)
    assert generic_source.relevance == {"allowed_cities": ["Москва"]}
