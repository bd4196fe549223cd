from podbor.lib.ids import MAX_ID, id_from_text


def test_only_plain_positive_ids_come_through():
    assert id_from_text("42") == 42 and id_from_text(" 7 ") == 7 and id_from_text(9) == 9
    for bad in ("²", "٣", "4.2", "-1", "0", "", None, "1e3", str(MAX_ID + 1), True, 0, "abc"):
        assert id_from_text(bad) is None, bad
