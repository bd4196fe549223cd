import datetime
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from podbor.api.pagination import PageParams, paginate
from podbor.api.refs import visible_or_404
from podbor.api.schemas import Input, Page, error_responses
from podbor.crm.models import Company
from podbor.crm.selectors import companies_visible_to
from podbor.crm.services import company_create, company_update

router = Router(tags=["companies"])


class CompanyOut(Schema):
    id: int
    name: str
    inn: str
    phone: str
    email: str
    city: str
    address: str
    website: str
    team: int | None
    custom: dict[str, Any]
    created_at: datetime.datetime
    updated_at: datetime.datetime


class CompanyIn(Input):
    name: str = Field(..., max_length=255)
    inn: str = Field("", max_length=12)
    phone: str = Field("", max_length=40)
    email: str = Field("", max_length=254)
    city: str = Field("", max_length=120)
    address: str = Field("", max_length=500)
    website: str = Field("", max_length=255)
    custom: dict[str, Any] = Field(default_factory=dict)


class CompanyPatch(Input):
    name: str | None = Field(None, max_length=255)
    inn: str | None = Field(None, max_length=12)
    phone: str | None = Field(None, max_length=40)
    email: str | None = Field(None, max_length=254)
    city: str | None = Field(None, max_length=120)
    address: str | None = Field(None, max_length=500)
    website: str | None = Field(None, max_length=255)
    custom: dict[str, Any] | None = None


class CompanyFilters(PageParams):
    q: str = Field("", max_length=200, description="A part of the name.")


def company_out(company: Company) -> dict:
    return {
        "id": company.pk,
        "name": company.name,
        "inn": company.inn,
        "phone": company.phone,
        "email": company.email,
        "city": company.city,
        "address": company.address,
        "website": company.website,
        "team": company.team_id,
        "custom": company.custom,
        "created_at": company.created_at,
        "updated_at": company.updated_at,
    }


def _name_matches(q: str) -> Q:
    # SQLite folds case for ASCII only: also try the usual spellings of a Cyrillic name ("ромашка", "Ромашка").
    match = Q()
    for variant in {q, q.lower(), q.upper(), q.capitalize(), q.title()}:
        match |= Q(name__icontains=variant)
    return match


@router.get("/companies", response={200: Page[CompanyOut], **error_responses(400)})
def companies_list(request: HttpRequest, filters: Query[CompanyFilters]):
    companies = companies_visible_to(request.auth)
    q = filters.q.strip()
    if q:
        companies = companies.filter(_name_matches(q))
    return paginate(companies.order_by("name", "id"), filters, company_out)


@router.get("/companies/{company_id}", response={200: CompanyOut, **error_responses(404)})
def companies_get(request: HttpRequest, company_id: int):
    return company_out(visible_or_404(companies_visible_to(request.auth), company_id))


@router.post("/companies", response={201: CompanyOut, **error_responses(400)})
@transaction.atomic
def companies_create(request: HttpRequest, payload: CompanyIn):
    return Status(201, company_out(company_create(actor=request.auth, **payload.model_dump())))


@router.patch("/companies/{company_id}", response={200: CompanyOut, **error_responses(400, 404)})
@transaction.atomic
def companies_update(request: HttpRequest, company_id: int, payload: CompanyPatch):
    company = visible_or_404(companies_visible_to(request.auth), company_id)
    changes = payload.model_dump(exclude_unset=True)
    return company_out(company_update(company=company, actor=request.auth, **changes))
