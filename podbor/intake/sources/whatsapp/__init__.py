"""WhatsApp Business Platform (Cloud API): the `messages` webhook of a WhatsApp Business Account.

Shape from Meta's webhook reference (developers.facebook.com, WhatsApp Business Platform > Webhooks > messages):

    {"object": "whatsapp_business_account",
     "entry": [{"id": "<WHATSAPP_BUSINESS_ACCOUNT_ID>",
                "changes": [{"field": "messages",
                             "value": {"messaging_product": "whatsapp",
                                       "metadata": {"display_phone_number": "...", "phone_number_id": "..."},
                                       "contacts": [{"profile": {"name": "Ольга"}, "wa_id": "79161234567"}],
                                       "messages": [{"from": "79161234567", "id": "wamid.HBgL...",
                                                     "timestamp": "1772439245", "type": "text",
                                                     "text": {"body": "Здравствуйте! Вакансия ещё открыта?"}}]}}]}]}

A message becomes a Lead of kind "message" (a known number: the message goes on the contact's timeline; a new
number: a new lead). External id: the message id (`wamid…`), which Meta keeps on its retries. Non-text messages
are described in the text ("[image] caption", a button's or list reply's title, a location…).
A webhook with only `statuses` (sent/delivered/read receipts of our own messages) carries nobody to take in: it is
stored and marked rejected, not failed. Meta's endpoint verification (GET with `hub.mode=subscribe`,
`hub.verify_token`, `hub.challenge`) is answered by the intake endpoint; use the source token as the verify token.
Several messages in one webhook are joined when they come from one sender; others are listed in extra (Meta
sends one message per webhook in practice).
"""
