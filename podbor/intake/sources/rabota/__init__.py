"""Rabota.ru: a response to a vacancy with the applicant's résumé.

DESIGNED SHAPE. Rabota.ru's employer API (api.rabota.ru, v4: JSON requests wrapped as `{"request": {...}}` and
answers as `{"response": {...}}`) is given to employers on request and its reference was not found in public
documentation when this was written. The shape below follows that request/response envelope and the facts a
Rabota.ru response shows an employer (name, surname, patronymic, phones, email, region, desired position, salary,
cover letter, vacancy); the field names are Podbor's choice and the connector maps Rabota.ru's answer onto them:

    {"response": {
        "id": 987654321,                            response id -> external id "response:987654321"
        "created_at": "2026-03-02T12:40:00+03:00",
        "cover_letter": "...",
        "vacancy": {"id": 46543210, "title": "Курьер"},
        "resume": {"id": 35123456, "url": "https://www.rabota.ru/resume35123456.html",
                   "position": "Курьер", "name": "Андрей", "surname": "Кузнецов", "patronymic": "Сергеевич",
                   "birth_date": "1990-03-14", "gender": "male", "region": {"id": 3, "name": "Санкт-Петербург"},
                   "contacts": {"phones": ["+7 921 555-44-33"], "email": "a.kuznetsov@example.ru"},
                   "salary": {"amount": 60000, "currency": "RUB"}}}}

The envelope is optional: the inner object alone is accepted.
"""
