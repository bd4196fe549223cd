"""The pipelines, custom fields and clients of the demo: the cases Podbor serves (issue 2)."""

from dataclasses import dataclass, field

from podbor.crm.models import CustomField, LostReason, Pipeline, Stage

HOUR, DAY = 3600, 86400


@dataclass(frozen=True)
class StageSpec:
    name: str
    target_seconds: int | None = None
    required: tuple[str, ...] = ()
    kind: str = Stage.Kind.OPEN
    color: str = ""


@dataclass(frozen=True)
class PipelineSpec:
    key: str
    name: str
    team: str
    stages: tuple[StageSpec, ...]
    lost_stage: str
    lost_reasons: tuple[str, ...]
    custom_fields: tuple[str, ...] = field(default=())


MASS = "mass"
AGENCY_CANDIDATES = "agency_candidates"
INQUIRIES, TENDERS, PROJECTS, ACCOUNTS = "inquiries", "tenders", "projects", "accounts"

TEAM_MASS = "Массовый подбор"
TEAM_CLIENTS = "Клиентский отдел"

PIPELINES = (
    PipelineSpec(
        key=MASS, name="Массовый подбор", team=TEAM_MASS,
        stages=(
            # A response goes cold within the hour: the first call is due in 15 minutes.
            StageSpec("Новый отклик", 15 * 60, color="#60a5fa"),
            StageSpec("Квалификация", DAY, color="#818cf8"),
            StageSpec("Собеседование назначено", 3 * DAY, required=("interview_date",), color="#f59e0b"),
            StageSpec("Обучение", 7 * DAY, color="#a78bfa"),
            StageSpec("Первая смена", 3 * DAY, color="#34d399"),
            StageSpec("Работает", kind=Stage.Kind.WON, color="#10b981"),
        ),
        lost_stage="Отказ",
        lost_reasons=("Не дозвонились", "Отказался", "Не подходит", "Нашёл другую работу"),
    ),
    PipelineSpec(
        key=INQUIRIES, name="Входящие запросы", team=TEAM_CLIENTS,
        stages=(
            StageSpec("Новый запрос", 2 * HOUR, color="#60a5fa"),
            StageSpec("Выявление потребности", 2 * DAY, color="#818cf8"),
            StageSpec("Коммерческое предложение", 3 * DAY, required=("budget_planned",), color="#f59e0b"),
            StageSpec("Переговоры", 7 * DAY, color="#a78bfa"),
            StageSpec("Договор подписан", kind=Stage.Kind.WON, color="#10b981"),
        ),
        lost_stage="Закрыт без договора",
        lost_reasons=("Нет бюджета", "Выбрали другое агентство", "Не выходит на связь", "Запрос неактуален"),
    ),
    PipelineSpec(
        key=TENDERS, name="Тендеры", team=TEAM_CLIENTS,
        stages=(
            StageSpec("Найден тендер", DAY, color="#60a5fa"),
            StageSpec("Анализ документации", 3 * DAY, color="#818cf8"),
            StageSpec("Подготовка заявки", 5 * DAY, required=("company",), color="#f59e0b"),
            StageSpec("Заявка подана", 14 * DAY, required=("budget_planned",), color="#a78bfa"),
            StageSpec("Тендер выигран", kind=Stage.Kind.WON, color="#10b981"),
        ),
        lost_stage="Тендер проигран",
        lost_reasons=("Цена выше конкурентов", "Не прошли квалификацию", "Тендер отменён", "Отказались от участия"),
    ),
    PipelineSpec(
        key=PROJECTS, name="Проекты: подбор и развитие", team=TEAM_CLIENTS,
        stages=(
            StageSpec("Бриф от клиента", 2 * DAY, color="#60a5fa"),
            StageSpec("Поиск кандидатов", 10 * DAY, required=("vacancy",), color="#818cf8"),
            StageSpec("Представление кандидатов", 5 * DAY, color="#f59e0b"),
            StageSpec("Интервью у клиента", 7 * DAY, color="#a78bfa"),
            StageSpec("Оффер", 5 * DAY, required=("budget_planned",), color="#34d399"),
            StageSpec("Проект закрыт", kind=Stage.Kind.WON, color="#10b981"),
        ),
        lost_stage="Проект остановлен",
        lost_reasons=("Клиент закрыл вакансию", "Кандидат отказался от оффера", "Закрыли своими силами",
                      "Сорваны сроки"),
    ),
    PipelineSpec(
        key=ACCOUNTS, name="Сопровождение клиентов", team=TEAM_CLIENTS,
        stages=(
            StageSpec("Онбординг", 7 * DAY, color="#60a5fa"),
            StageSpec("Активный клиент", 30 * DAY, color="#818cf8"),
            StageSpec("Плановая встреча", 7 * DAY, color="#f59e0b"),
            StageSpec("Продление договора", 14 * DAY, required=("budget_planned",), color="#a78bfa"),
            StageSpec("Договор продлён", kind=Stage.Kind.WON, color="#10b981"),
        ),
        lost_stage="Клиент ушёл",
        lost_reasons=("Ушёл к конкуренту", "Сократил найм", "Недоволен качеством", "Закрыл бизнес"),
    ),
    PipelineSpec(
        key=AGENCY_CANDIDATES, name="Кандидаты (агентство)", team=TEAM_CLIENTS,
        stages=(
            StageSpec("Проверка актуальности резюме", DAY, color="#60a5fa"),
            StageSpec("Тест отправлен", 3 * DAY, color="#818cf8"),
            StageSpec("Собеседование назначено", 5 * DAY, required=("interview_date",), color="#f59e0b"),
            StageSpec("Собеседование проведено", 2 * DAY, color="#a78bfa"),
            StageSpec("Ожидание вакансий клиента", 30 * DAY, color="#94a3b8"),
            StageSpec("Встреча с клиентом", 5 * DAY, color="#f472b6"),
            StageSpec("Обратная связь клиента", 3 * DAY, color="#34d399"),
            StageSpec("Завершено", kind=Stage.Kind.WON, color="#10b981"),
        ),
        lost_stage="Отказ",
        lost_reasons=("Резюме неактуально", "Тест не пройден", "Не пришёл на собеседование", "Отказ клиента",
                      "Отказался сам"),
    ),
)

# (entity, code, name, kind, choices)
CUSTOM_FIELDS = (
    (CustomField.Entity.DEAL, "interview_date", "Дата собеседования", CustomField.Kind.DATE, []),
    (CustomField.Entity.DEAL, "vacancy", "Вакансия", CustomField.Kind.TEXT, []),
    (CustomField.Entity.DEAL, "shift", "График", CustomField.Kind.CHOICE,
     ["5/2 день", "2/2 день", "2/2 ночь", "Вахта 15/15", "Подработка"]),
    (CustomField.Entity.DEAL, "citizenship", "Гражданство", CustomField.Kind.CHOICE,
     ["РФ", "Беларусь", "Казахстан", "Киргизия", "Армения", "Другое"]),
    (CustomField.Entity.DEAL, "has_medical_book", "Есть медкнижка", CustomField.Kind.BOOLEAN, []),
    (CustomField.Entity.CONTACT, "desired_salary", "Желаемая зарплата, ₽", CustomField.Kind.NUMBER, []),
    (CustomField.Entity.CONTACT, "metro", "Метро", CustomField.Kind.TEXT, []),
)

MASS_VACANCIES = ["Кассир", "Продавец-консультант", "Кладовщик", "Комплектовщик", "Курьер", "Оператор call-центра",
                  "Повар", "Бариста", "Грузчик", "Водитель-экспедитор", "Сборщик заказов", "Упаковщик"]
AGENCY_VACANCIES = ["Бухгалтер", "Менеджер по продажам", "Юрист", "HR-бизнес-партнёр", "Аналитик данных",
                    "Python-разработчик", "Руководитель отдела продаж", "Инженер-технолог", "Маркетолог",
                    "Финансовый директор", "Офис-менеджер", "Логист"]

CLIENTS = [
    ("ООО «Северный ритейл»", "7701234567", "Москва"), ("АО «ЛогистикПро»", "7812345678", "Санкт-Петербург"),
    ("ООО «Вкусный двор»", "1655123456", "Казань"), ("ООО «УралСтройМонтаж»", "6671234567", "Екатеринбург"),
    ("ПАО «Сибирская энергия»", "5406123456", "Новосибирск"), ("ООО «Волга-Фарм»", "5260123456", "Нижний Новгород"),
    ("ООО «ТехноСклад»", "5024123456", "Химки"), ("ООО «Быстрая доставка»", "7705123456", "Москва"),
    ("АО «Балтийский завод приборов»", "7805123456", "Санкт-Петербург"), ("ООО «Кофейня на углу»", "7707123456",
                                                                         "Москва"),
    ("ООО «Агрохолдинг Юг»", "2310123456", "Краснодар"), ("ООО «Финансовый советник»", "7710123456", "Москва"),
    ("ООО «Медцентр Здоровье»", "6315123456", "Самара"), ("АО «Камский автокомпонент»", "1650123456", "Казань"),
    ("ООО «Ростов-Логистика»", "6164123456", "Ростов-на-Дону"), ("ООО «Пермские окна»", "5902123456", "Пермь"),
    ("ООО «ИТ-Решения»", "7714123456", "Москва"), ("ООО «Уфимский хлеб»", "0274123456", "Уфа"),
    ("АО «Челябинский металлист»", "7451123456", "Челябинск"), ("ООО «Гостиница Заря»", "7202123456", "Тюмень"),
]

CONTACT_TAGS = ["Рекомендация", "Повторный отклик", "Студент", "Без опыта", "Опыт 3+ года", "Срочно", "VIP"]

NOTES = [
    "Звонил, не взял трубку. Перезвонить вечером.",
    "Кандидат заинтересован, ждёт подробностей по графику.",
    "Уточнил адрес объекта, кандидату удобно добираться.",
    "Просит зарплату выше вилки, обсудить с руководителем.",
    "Отправил описание вакансии в WhatsApp.",
    "Документы в порядке, медкнижка есть.",
    "Клиент просит прислать ещё двух кандидатов до пятницы.",
    "Договорились о встрече в офисе клиента.",
]

TASKS = [
    ("Первичный звонок", "call", ["Представиться", "Уточнить опыт", "Рассказать о графике"]),
    ("Напомнить о собеседовании", "call", ["Подтвердить время", "Отправить адрес"]),
    ("Собеседование", "interview", ["Проверить документы", "Заполнить анкету", "Дать тест"]),
    ("Встреча с клиентом", "meeting", ["Подготовить шорт-лист", "Согласовать повестку"]),
    ("Отправить КП", "other", ["Рассчитать стоимость", "Согласовать скидку", "Отправить письмо"]),
    ("Проверить выход на смену", "call", []),
]


def pipelines_create() -> dict[str, Pipeline]:
    """Pipelines, stages and lost reasons. Setting up pipelines has no service yet (it is an admin's job in the
    Django admin), so the rows are created directly."""
    pipelines = {}
    for order, spec in enumerate(PIPELINES, start=1):
        pipeline = Pipeline.objects.create(name=spec.name, order=order)
        stages = [*spec.stages, StageSpec(spec.lost_stage, kind=Stage.Kind.LOST, color="#ef4444")]
        Stage.objects.bulk_create(
            Stage(pipeline=pipeline, name=s.name, kind=s.kind, order=i, required_fields=list(s.required),
                  target_seconds=s.target_seconds, color=s.color)
            for i, s in enumerate(stages, start=1)
        )
        LostReason.objects.bulk_create(
            LostReason(pipeline=pipeline, name=name, order=i) for i, name in enumerate(spec.lost_reasons, start=1)
        )
        pipelines[spec.key] = pipeline
    return pipelines


def custom_fields_create() -> None:
    CustomField.objects.bulk_create(
        CustomField(entity=entity, code=code, name=name, kind=kind, choices=choices, order=i)
        for i, (entity, code, name, kind, choices) in enumerate(CUSTOM_FIELDS, start=1)
    )
