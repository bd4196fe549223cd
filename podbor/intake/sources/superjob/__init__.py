"""SuperJob: a response to a vacancy, with the applicant's résumé, in SuperJob API 2.0 field names.

SuperJob's API (api.superjob.ru, version 2.0) serves an employer the résumés that responded to its vacancies; it
pushes nothing, so the SuperJob connector posts one response at a time. The employer part of the API is licensed
separately and its reference for the résumé object could not be read in full when this was written; the field names
below are SuperJob's own as they appear in real API answers (`{"objects": [{"resume": {"id", "last_profession",
"payment", "currency", "birthday", "birthmonth", "birthyear", "age", "town": {"id", "title", ...}, ...}}]}`) and
in its public résumé object (`firstname`, `lastname`, `middlename`, `name`, `phone1`, `phone2`, `email`, `link`):

    {"id": 88123,                                   the response (message) id, when the connector has it
     "date_sent": 1772439245,
     "vacancy": {"id": 45123456, "profession": "Кладовщик", "town": {"title": "Москва"}},
     "resume": {"id": 42443113, "firstname": "Иван", "lastname": "Петров", "middlename": "Сергеевич",
                "name": "Петров Иван Сергеевич", "phone1": "+7 (916) 123-45-67", "phone2": null,
                "email": "ivan@example.com", "town": {"id": 4, "title": "Москва"}, "profession": "Кладовщик",
                "payment": 60000, "currency": "rub", "age": 32, "birthday": 2, "birthmonth": 2, "birthyear": 1986,
                "gender": {"id": 2, "title": "Мужской"}, "link": "https://www.superjob.ru/resume/...html"}}

The wrapper around the résumé (`id`, `date_sent`, `comment`, `vacancy`) is Podbor's own design, since SuperJob
documents no push; a bare résumé object is accepted too. External id: the response id when given,
otherwise the résumé id with the vacancy id (one applicant may respond to several vacancies).
"""
