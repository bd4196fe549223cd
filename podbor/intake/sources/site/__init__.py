"""Site form: what a "leave your details" form on the company's own site posts, form-encoded or JSON.

There is no vendor here, so the parser accepts the field names site forms and form builders commonly use, in any
letter case: `name` (or `fio`, `full_name`, `фио`, `имя`), `first_name`/`last_name`/`middle_name`, `phone` (`tel`,
`telephone`, `phone_number`, `телефон`), `email` (`e-mail`, `mail`, `почта`), `city` (`город`), `vacancy`
(`position`, `job`, `вакансия`), `comment` (`message`, `text`, `комментарий`, `сообщение`). Tilda's default fields
(`Name`, `Phone`, `Email`, `tranid`, `formid`) fit the same rules. A form-encoded field `payload`/`data`/`json`
that holds a JSON object is unwrapped first (some builders post JSON that way).

External id: `request_id` (the snippet sends a fresh one per submission, so a double click or a retried fetch
creates nothing twice), `submission_id` or Tilda's `tranid`. `form_id`/`formid` usually names the FORM, not the
submission, so it is never used alone (every response after the first would be taken for a repeat); it is kept
in extra and joined to a `request_id` when both are given. `utm_*` and every other field go to extra.

`snippet.html` next to this file is the embeddable form.
"""
