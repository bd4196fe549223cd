"""hh.ru: a response (negotiation) to a vacancy, with the applicant's full résumé embedded.

hh.ru pushes no résumé: its API gives an employer the negotiation (`GET /negotiations/{nid}`, documented in
hhru/api docs/employer_negotiations.md) whose `resume` is the short form, and the full résumé with contacts at
`resume.url` (`GET /resumes/{resume_id}`, docs/resumes.md). The hh.ru connector (or a middleware such as an
integration platform) posts the negotiation with `resume` replaced by the full résumé. Field names are hh.ru's:

    {"id": "123456789",                       negotiation id -> external id "negotiation:123456789"
     "created_at": "...", "state": {"id": "response"}, "source": "NEGOTIATION",
     "vacancy": {"id": "123456", "name": "Менеджер", "alternate_url": "https://hh.ru/vacancy/123456", ...},
     "resume": {"id": "0123456789abcdef", "title": "...", "first_name": ..., "last_name": ..., "middle_name": ...,
                "age": 36, "birth_date": "1980-05-08", "gender": {"id": "male"}, "area": {"name": "Москва"},
                "salary": {"amount": 100500, "currency": "RUR"}, "alternate_url": "https://hh.ru/resume/...",
                "contact": [{"type": {"id": "cell"}, "preferred": true,
                             "value": {"country": "7", "city": "985", "number": "0000000",
                                       "formatted": "+7 (985) 000-00-00"}},
                            {"type": {"id": "email"}, "value": "applicant@example.com"}]}}

Any name part may be null. hh.ru calls the list `contact`; `contacts` is accepted too. Phone types are `cell`, `home`
and `work`; a phone value is an object. An hh.ru webhook notification (`action_type` with ids only) carries no
person and is refused with a message saying the connector must fetch the negotiation first.
"""
