from podbor.crm.selectors import deals_search, deals_visible_to
from podbor.crm.services import deal_create


def test_deal_title_search_ignores_the_case_of_cyrillic_letters(pipeline, manager_a):
    deal = deal_create(actor=manager_a, title="Кассир в «Пятёрочку»", pipeline=pipeline)
    found = deals_search(deals_visible_to(manager_a), "кассир")
    assert list(found) == [deal]
    assert list(deals_search(deals_visible_to(manager_a), "ПЯТЁРОЧКУ")) == [deal]
    assert list(deals_search(deals_visible_to(manager_a), "курьер")) == []
