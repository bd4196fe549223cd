"""Podbor speaks the language the user chose, else the installation's LANGUAGE_CODE (Russian by default).

Django's LocaleMiddleware would follow the browser's Accept-Language, so a recruiter on an English-language
browser would get an English CRM they never asked for; the switch in the header sets the cookie read here.
"""

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class ChosenLanguageMiddleware(LocaleMiddleware):
    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        supported = {code for code, _name in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
