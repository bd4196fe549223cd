from podbor.crm.services import deal_create, deal_update, note_add


def test_a_deal_is_untouched_until_its_responsible_acts_on_it(pipeline, admin_user, manager_a, lead_a):
    deal = deal_create(actor=admin_user, title="Отклик", pipeline=pipeline, responsible=manager_a)
    assert deal.touched_at is None
    note_add(actor=lead_a, deal=deal, text="Посмотри этого кандидата")
    deal.refresh_from_db()
    assert deal.touched_at is None  # someone else's note does not count
    note_add(actor=manager_a, deal=deal, text="Позвонила, не ответил")
    deal.refresh_from_db()
    assert deal.touched_at is not None


def test_reassigning_a_deal_makes_it_untouched_again(pipeline, admin_user, manager_a, manager_a2):
    deal = deal_create(actor=admin_user, title="Отклик", pipeline=pipeline, responsible=manager_a)
    note_add(actor=manager_a, deal=deal, text="Созвонились")
    deal_update(deal=deal, actor=admin_user, responsible=manager_a2)
    deal.refresh_from_db()
    assert deal.responsible == manager_a2
    assert deal.touched_at is None
