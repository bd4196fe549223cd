from podbor.lib.names import full_name_split, name_clean, name_fold


def test_a_name_is_trimmed_and_capitalised():
    assert name_clean("  иВАНОВ  ") == "Иванов"


def test_each_part_of_a_hyphenated_name_is_capitalised():
    assert name_clean("римский-корсаков") == "Римский-Корсаков"


def test_inner_spaces_are_folded_to_one():
    assert name_clean("анна   мария") == "Анна Мария"


def test_an_empty_name_stays_empty():
    assert name_clean(None) == "" and name_clean("   ") == ""


def test_yo_is_folded_to_ye_for_matching():
    assert name_fold("  Фёдор   Семёнов ") == "федор семенов"
    assert name_fold("ЁЛКИН") == name_fold("елкин")


def test_a_full_name_is_split_in_russian_order():
    assert full_name_split("иванов иван иванович") == ("Иванов", "Иван", "Иванович")


def test_two_words_are_surname_and_first_name():
    assert full_name_split("Петрова  Мария") == ("Петрова", "Мария", "")


def test_one_word_is_taken_as_the_first_name():
    assert full_name_split(" ольга ") == ("", "Ольга", "")


def test_a_patronymic_of_several_words_stays_together():
    last, first, middle = full_name_split("Мамедов Рашид Али оглы")
    assert (last, first, middle.lower()) == ("Мамедов", "Рашид", "али оглы")


def test_an_empty_full_name_gives_empty_parts():
    assert full_name_split("  ") == ("", "", "")
