"""Spreadsheet import: rows per second for a dry run, a commit and a re-import of the same file.

`python -m bench intake_import [--import-rows 5000] [--postgres URL]` on a throwaway database. The file is shaped like a
recruiter's export: Russian headers, cp1251 with ';' (and the same rows as XLSX), phones typed in every usual way,
some emails, 5% rows nobody can be reached by, 10% repeats of a person earlier in the file, 5% people already known.
"""

import io
import random
import time

HEADERS = ["ФИО", "Моб. телефон", "E-mail", "Город", "Вакансия", "Комментарий", "Дата рождения"]
LAST = ["Иванов", "Петров", "Сидоров", "Кузнецов", "Смирнов", "Попов", "Васильев", "Новиков", "Фёдоров", "Морозов",
        "Волков", "Алексеев", "Лебедев", "Семёнов", "Егоров", "Павлов", "Козлов", "Степанов", "Николаев", "Орлов",
        "Андреев", "Макаров", "Никитин", "Захаров", "Зайцев", "Соловьёв", "Борисов", "Яковлев", "Григорьев", "Романов"]
FIRST = ["Иван", "Пётр", "Олег", "Алексей", "Сергей", "Дмитрий", "Андрей", "Никита", "Максим", "Артём", "Егор",
         "Кирилл", "Михаил", "Роман", "Денис", "Евгений", "Илья", "Павел", "Антон", "Тимур", "Руслан", "Глеб",
         "Виктор", "Юрий", "Степан", "Фёдор", "Борис", "Григорий", "Леонид", "Вадим"]
MIDDLE = ["Иванович", "Петрович", "Сергеевич", "Андреевич", "Олегович", "Викторович", "Юрьевич", "Павлович"]
CITIES = ["Москва", "Казань", "Тверь", "Самара", "Пермь"]
JOBS = ["Курьер", "Кладовщик", "Водитель", "Комплектовщик", "Грузчик"]


def _phone(n: int, style: int) -> str:
    # Spread like real numbers: consecutive ones would all be "one digit off" look-alikes of each other.
    digits = f"9{(n * 7_919_191 + 12_345) % 10**9:09d}"
    return [f"8 ({digits[:3]}) {digits[3:6]}-{digits[6:8]}-{digits[8:]}", f"+7 {digits[:3]} {digits[3:]}",
            digits, f"7{digits}"][style % 4]


def _name(n: int) -> str:
    return f"{LAST[n % 30]} {FIRST[n * 7 // 30 % 30]} {MIDDLE[n * 13 % 8]}"


def rows_make(count: int, known: int) -> list[list[str]]:
    rng = random.Random(5)
    rows: list[list[str]] = []
    for i in range(count):
        roll = rng.random()
        if roll < 0.05:
            rows.append([f"{rng.choice(LAST)} {rng.choice(FIRST)}", "", "", rng.choice(CITIES), "", "", ""])
            continue
        person = rng.randrange(max(1, len(rows))) if roll < 0.15 and rows else None
        n = (person if person is not None else 10_000 + i) if roll >= 0.10 else rng.randrange(known)
        email = f"user{n}@example.ru" if rng.random() < 0.3 else ""
        rows.append([_name(n), _phone(n, i), email, rng.choice(CITIES),
                     rng.choice(JOBS), "хочет в ночь" if i % 7 == 0 else "", f"19{80 + n % 20}-0{1 + n % 9}-1{n % 9}"])
    return rows


def csv_make(rows: list[list[str]]) -> bytes:
    return ("\r\n".join(";".join(r) for r in [HEADERS, *rows]) + "\r\n").encode("cp1251")


def xlsx_make(rows: list[list[str]]) -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def run(*, rows: int = 5000) -> None:
    from podbor.accounts.models import User
    from podbor.accounts.services import user_create
    from podbor.crm.models import Contact, Deal, Pipeline, Stage
    from podbor.crm.services import contact_create
    from podbor.intake.importing.services import import_run

    admin = user_create(username="bench-import-admin", password="bench-password-1", role=User.Role.ADMIN)
    known = max(1, rows // 20)
    for n in range(known):
        contact_create(actor=admin, full_name=_name(n), phones=[_phone(n, 0)])
    data = rows_make(rows, known)
    for label, content in (("CSV cp1251 ;", csv_make(data)), ("XLSX", xlsx_make(data))):
        pipeline = Pipeline.objects.create(name=f"Импорт {label}")
        Stage.objects.create(pipeline=pipeline, name="Новый отклик", order=1)
        print(f"\n{label}: {rows} rows, {len(content) / 1024:.0f} KB")
        for step, dry_run in (("dry run", True), ("commit", False), ("re-import", False)):
            started = time.perf_counter()
            report = import_run(content=content, filename="bench", pipeline=pipeline, actor=admin, dry_run=dry_run,
                                max_rows=None)
            seconds = time.perf_counter() - started
            counts = ", ".join(f"{k} {v}" for k, v in report.counts.items() if v)
            print(f"  {step:<10} {seconds:6.2f} s  {rows / seconds:7.0f} rows/s   ({counts})")
    print(f"\nContacts {Contact.objects.count()}, deals {Deal.objects.count()}")
