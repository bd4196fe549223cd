"""The operators a service task may call, with typed parameters.

The engine checks every service task against this catalogue twice: at deploy (operator known, parameters
present, declared types right, literal values valid) and before each call (the evaluated values). The host
implements the operators (`ServiceDispatcher`); the designer's properties panel reads `catalogue_as_json()`.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .clock import parse_duration
from .errors import gettext_noop

PARAM_TYPES = ("str", "int", "float", "bool", "list", "dict", "any")
_PY_TYPES: dict[str, tuple[type, ...]] = {
    "str": (str,), "int": (int,), "float": (int, float), "bool": (bool,), "list": (list,), "dict": (dict,),
}
MISSING = object()

# (template, params) pairs: templates are msgids, see errors.gettext_noop
Problem = tuple[str, dict[str, Any]]


@dataclass(frozen=True)
class ParamSpec:
    """One parameter of an operator.

    `type` is one of PARAM_TYPES (`float` also takes ints, `any` takes any JSON value). For a `list`,
    `items` is the type of its elements and a single element is accepted and wrapped in a list.
    `pattern` (a regular expression the whole string must match) and `choices` apply to a string or to each
    string item; `format` is "duration" (ISO 8601, e.g. PT2H) or "url" (http/https).
    """

    name: str
    type: str
    label_en: str
    label_ru: str
    required: bool = False
    default: Any = None
    help: str = ""
    help_ru: str = ""
    choices: tuple[Any, ...] | None = None
    pattern: str | None = None
    items: str | None = None
    minimum: float | None = None
    maximum: float | None = None
    format: str | None = None

    def as_json(self) -> dict[str, Any]:
        return {"name": self.name, "type": self.type, "required": self.required, "default": self.default,
                "label_en": self.label_en, "label_ru": self.label_ru, "help": self.help, "help_ru": self.help_ru,
                "choices": list(self.choices) if self.choices else None, "pattern": self.pattern,
                "items": self.items, "minimum": self.minimum, "maximum": self.maximum, "format": self.format}

    def check(self, value: Any) -> tuple[Any, list[Problem]]:
        """Return the value as the operator receives it (a single item wrapped in a list) and the problems."""
        if self.type == "list" and self.items and _is_type(value, self.items):
            value = [value]
        if self.type != "any" and not _is_type(value, self.type):
            return value, [(gettext_noop("%(operator)s: parameter %(param)r must be %(type)s, not %(got)s"),
                            {"param": self.name, "type": self.type, "got": _type_name(value)})]
        if self.type == "list" and self.items:
            problems: list[Problem] = []
            for item in value:
                if not _is_type(item, self.items):
                    problems.append((gettext_noop("%(operator)s: items of %(param)r must be %(type)s, not %(got)s"),
                                     {"param": self.name, "type": self.items, "got": _type_name(item)}))
                else:
                    problems.extend(self._check_scalar(item))
            return value, problems
        return value, self._check_scalar(value)

    def _check_scalar(self, value: Any) -> list[Problem]:
        if self.choices is not None and value not in self.choices:
            return [(gettext_noop("%(operator)s: %(param)r must be one of %(choices)s, not %(value)r"),
                     {"param": self.name, "choices": ", ".join(map(str, self.choices)), "value": value})]
        if self.pattern and isinstance(value, str) and not re.fullmatch(self.pattern, value):
            return [(gettext_noop("%(operator)s: %(param)r has an unexpected value %(value)r"),
                     {"param": self.name, "value": value})]
        if isinstance(value, int | float) and not isinstance(value, bool) and (
                (self.minimum is not None and value < self.minimum)
                or (self.maximum is not None and value > self.maximum)):
            return [(gettext_noop("%(operator)s: %(param)r must be between %(minimum)s and %(maximum)s"),
                     {"param": self.name, "minimum": self.minimum, "maximum": self.maximum})]
        if self.format == "duration" and isinstance(value, str):
            try:
                parse_duration(value)
            except ValueError:
                return [(gettext_noop("%(operator)s: %(param)r must be an ISO 8601 duration such as PT2H, "
                                      "not %(value)r"), {"param": self.name, "value": value})]
        if self.format == "url" and isinstance(value, str) and not re.match(r"^https?://[^\s/]+", value):
            return [(gettext_noop("%(operator)s: %(param)r must be an http(s) URL, not %(value)r"),
                     {"param": self.name, "value": value})]
        return []


@dataclass(frozen=True)
class OperatorSpec:
    """An operator: its parameters and, when some are alternatives, which one at least must be given."""

    name: str
    label_en: str
    label_ru: str
    params: tuple[ParamSpec, ...]
    help: str = ""
    help_ru: str = ""
    require_one_of: tuple[str, ...] = field(default=())

    def param(self, name: str) -> ParamSpec | None:
        return next((p for p in self.params if p.name == name), None)

    def as_json(self) -> dict[str, Any]:
        return {"name": self.name, "label_en": self.label_en, "label_ru": self.label_ru, "help": self.help,
                "help_ru": self.help_ru, "require_one_of": list(self.require_one_of),
                "params": [p.as_json() for p in self.params]}


def _is_type(value: Any, type_name: str) -> bool:
    if type_name == "any":
        return True
    if isinstance(value, bool) and type_name in ("int", "float"):
        return False
    return isinstance(value, _PY_TYPES[type_name])


def _type_name(value: Any) -> str:
    return {bool: "bool", int: "int", float: "float", str: "str", list: "list", dict: "dict",
            type(None): "null"}.get(type(value), type(value).__name__)


def validate_params(operator: str, values: Mapping[str, Any], *,
                    dynamic: frozenset[str] = frozenset()) -> tuple[dict[str, Any], list[Problem]]:
    """Check parameter values for `operator` against the catalogue; fill in defaults.

    `dynamic` names parameters that are given as expressions whose value is only known at run time (deploy
    checks their presence, not their value). A value of None counts as not given. Returns the values the
    dispatcher receives (every catalogue parameter, defaults filled) and the problems, each a
    `(template, params)` pair whose params include `operator`.
    """
    spec = CATALOGUE.get(operator)
    if spec is None:
        return {}, [(gettext_noop("unknown operator %(operator)r"), {"operator": operator})]
    problems: list[Problem] = []
    clean: dict[str, Any] = {}
    for name in values:
        if spec.param(name) is None:
            problems.append((gettext_noop("%(operator)s: unknown parameter %(param)r"), {"param": name}))
    for param in spec.params:
        value = values.get(param.name, MISSING)
        if param.name in dynamic:
            clean[param.name] = value
            continue
        if value is MISSING or value is None:
            if param.required:
                problems.append((gettext_noop("%(operator)s: missing parameter %(param)r (%(type)s)"),
                                 {"param": param.name, "type": param.type}))
            clean[param.name] = copy.deepcopy(param.default)
            continue
        clean[param.name], found = param.check(value)
        problems.extend(found)
    if spec.require_one_of and not any(clean.get(n) not in (None, "") or n in dynamic for n in spec.require_one_of):
        problems.append((gettext_noop("%(operator)s: give one of %(params)s"),
                         {"params": ", ".join(spec.require_one_of)}))
    return clean, [(template, {"operator": operator, **params}) for template, params in problems]


def catalogue_as_json() -> dict[str, dict[str, Any]]:
    """The catalogue for the designer's properties panel: `{operator: {name, labels, help, params: […]}}`."""
    return {name: spec.as_json() for name, spec in CATALOGUE.items()}


# Who gets a task or a notice: what the host's handlers resolve (the designer offers the same choices).
ASSIGNEE = r"responsible|team_lead|user:\d+"
P = ParamSpec

CATALOGUE: dict[str, OperatorSpec] = {op.name: op for op in (
    OperatorSpec(
        "create_task", "Create a task", "Создать задачу",
        help="A task for a person, linked to the deal.", help_ru="Задача сотруднику по сделке.",
        params=(
            P("kind", "str", "Kind", "Тип", default="call", help="call, meeting, email or another task kind",
              help_ru="call, meeting, email или другой тип задачи"),
            P("title", "str", "Title", "Название", required=True),
            P("due_in", "str", "Due in", "Срок", format="duration",
              help="ISO 8601 duration from now, e.g. PT2H or P1D", help_ru="Через сколько, ISO 8601: PT2H, P1D"),
            P("assignee", "str", "Assignee", "Исполнитель", default="responsible", pattern=ASSIGNEE,
              help="responsible, team_lead or user:<id>", help_ru="responsible, team_lead или user:<id>"),
            P("checklist", "list", "Checklist", "Чек-лист", default=[], items="str"),
        )),
    OperatorSpec(
        "move_to_stage", "Move to stage", "Перевести на этап",
        params=(P("stage", "str", "Stage", "Этап", required=True,
                  help="Stage name, or its id as digits", help_ru="Название этапа или его id цифрами"),)),
    OperatorSpec(
        "set_field", "Set a field", "Заполнить поле",
        params=(P("field", "str", "Field", "Поле", required=True,
                  help="Deal field or custom field code", help_ru="Поле сделки или код доп. поля"),
                P("value", "any", "Value", "Значение"))),
    OperatorSpec(
        "assign_by_rule", "Assign by rule", "Распределить по правилу",
        help="The distribution rule of the deal's pipeline and source picks the next manager (not the current one).",
        help_ru="Правило распределения воронки и источника сделки выбирает следующего менеджера (не текущего).",
        params=()),
    OperatorSpec(
        "close_lost", "Close as lost", "Закрыть как проигранную",
        params=(P("reason", "str", "Lost reason", "Причина отказа", required=True,
                  help="Reason name, or its id as digits", help_ru="Название причины или её id цифрами"),)),
    OperatorSpec(
        "send_message", "Send a message", "Отправить сообщение", require_one_of=("template", "text"),
        help="To the deal's contact.", help_ru="Контакту сделки.",
        params=(P("channel", "str", "Channel", "Канал", required=True,
                  choices=("sms", "email", "whatsapp", "telegram")),
                P("template", "str", "Template", "Шаблон", help="Template code", help_ru="Код шаблона"),
                P("text", "str", "Text", "Текст", help="Used when no template is given",
                  help_ru="Если шаблон не задан"),
                P("subject", "str", "Subject", "Тема", help="E-mail only", help_ru="Только для e-mail"))),
    OperatorSpec(
        "http_request", "HTTP request", "HTTP-запрос",
        params=(P("method", "str", "Method", "Метод", default="POST",
                  choices=("GET", "POST", "PUT", "PATCH", "DELETE")),
                P("url", "str", "URL", "URL", required=True, format="url"),
                P("headers", "dict", "Headers", "Заголовки", default={}),
                P("body", "str", "Body template", "Шаблон тела", default="",
                  help="Text; {{ deal.… }} placeholders are filled by the host",
                  help_ru="Текст; подстановки {{ deal.… }} заполняет система"),
                P("timeout", "int", "Timeout, s", "Таймаут, с", default=10, minimum=1, maximum=30),
                P("retries", "int", "Retries", "Повторы", default=0, minimum=0, maximum=10))),
    OperatorSpec(
        "notify", "Notify colleagues", "Уведомить сотрудников",
        params=(P("users", "list", "Who", "Кому", default=["responsible"], items="str", pattern=ASSIGNEE,
                  help="responsible, team_lead or user:<id>; one or a list",
                  help_ru="responsible, team_lead или user:<id>; один или список"),
                P("text", "str", "Text", "Текст", required=True))),
    OperatorSpec(
        "create_linked_deal", "Create a linked deal", "Создать связанную сделку",
        params=(P("pipeline", "str", "Pipeline", "Воронка", required=True, help="Name, or id as digits",
                  help_ru="Название или id цифрами"),
                P("stage", "str", "Stage", "Этап", help="Empty: the pipeline's first stage",
                  help_ru="Пусто: первый этап воронки"),
                P("title", "str", "Title", "Название"))),
    OperatorSpec(
        "start_process", "Start a process", "Запустить процесс",
        params=(P("process", "str", "Process", "Процесс", required=True, help="Process key (the BPMN process id)",
                  help_ru="Ключ процесса (id процесса в BPMN)"),
                P("variables", "dict", "Variables", "Переменные", default={}))),
)}
