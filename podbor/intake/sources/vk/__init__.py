"""VK Работа: a response (application) to a vacancy, with the candidate, as a JSON:API document.

Shape from VK Работа's External API (github.com/vkrabota/external-api, README: models `Application` and
`Candidate`, `GET /api/external/v1/applications` and `POST /applications/<id>/proceed`). It says VK Работа "makes a
request to the external system" when a response is created but documents no body for that push, so Podbor takes
the document its API answers for one application: the application in `data` (an object, or a list of one) and the
candidate in `included`, linked through `relationships.candidate`:

    {"data": {"id": "1", "type": "application",
              "attributes": {"id": 1, "recruiter_id": 888, "job_id": 298, "status": "unread",
                             "created_at": "2026-03-02T20:57:43.411+03:00"},
              "relationships": {"candidate": {"data": {"id": "889", "type": "candidate"}}}},
     "included": [{"id": "889", "type": "candidate",
                   "attributes": {"id": 889, "first_name": "Иван", "last_name": "Петров", "phone": "79995225324",
                                  "email": null, "address": "Москва, улица Еланского, 2", "birthday": null,
                                  "description": "...", "education": "...", ...}},
                  {"id": "298", "type": "job", "attributes": {"title": "Курьер", ...}}]}

External id: the application id. The vacancy title comes from an included `job` when present (the list call does
not include jobs; the connector may add it), otherwise only `job_id` is kept. VK Работа gives no city field for a
candidate, only `address`: its first comma-separated part is taken as the city ("Москва, улица …" -> "Москва").
"""
