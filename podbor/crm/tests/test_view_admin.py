import pytest
from django.contrib import admin
from django.urls import reverse

MODELS = [f"{m._meta.app_label}_{m._meta.model_name}" for m in admin.site._registry]


@pytest.mark.parametrize("model", MODELS)
def test_every_model_has_a_working_admin_list(client, admin_user, pipeline, model):
    client.force_login(admin_user)
    assert client.get(reverse(f"admin:{model}_changelist")).status_code == 200


def test_a_pipeline_is_edited_with_its_stages_and_lost_reasons(client, admin_user, pipeline):
    client.force_login(admin_user)
    html = client.get(reverse("admin:crm_pipeline_change", args=[pipeline.pk])).content.decode()
    assert "Собеседование назначено" in html and "Не подходит" in html


def test_a_manager_does_not_get_into_the_admin(client, manager_a):
    client.force_login(manager_a)
    assert client.get(reverse("admin:index")).status_code == 302
