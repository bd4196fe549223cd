"""The world of the process pages' tests: a deal of manager_a's team and a deployed "call the candidate" process."""

import pytest

from podbor.automation.models import ProcessDefinition
from podbor.automation.services import process_deploy
from podbor.automation.tests.diagrams import call_diagram
from podbor.automation.tests.worker import real_worker  # noqa: F401 - a fixture for the real-worker tests
from podbor.crm.models import Deal
from podbor.crm.services import contact_create, deal_create


@pytest.fixture(autouse=True)
def _fresh_spec_cache():
    """services._loaded caches parsed specs by definition id; a rolled-back test hands the same id to another
    diagram in the next test, so each test starts with an empty cache."""
    from podbor.automation.services import _loaded_by_key

    _loaded_by_key.cache_clear()
    yield
    _loaded_by_key.cache_clear()


@pytest.fixture
def deal_a(pipeline, manager_a) -> Deal:
    contact = contact_create(actor=manager_a, full_name="Смирнова Анна Петровна", phones=["+7 916 1234567"])
    return deal_create(actor=manager_a, title="Смирнова — кассир", pipeline=pipeline, contact=contact)


@pytest.fixture
def call_process(admin_user) -> ProcessDefinition:
    return process_deploy(xml=call_diagram(), actor=admin_user)
