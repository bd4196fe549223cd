"""VK Работа application + candidate -> Lead (the shape is described in this package's docstring)."""

from podbor.intake.sources.base import Lead, PayloadError, require_object, section, text, text_list


def _application(payload: dict) -> dict:
    data = payload.get("data")
    if isinstance(data, list):
        apps = [d for d in data if isinstance(d, dict) and d.get("type") == "application"]
        if len(apps) != 1:
            raise PayloadError(f"expected one VK Работа application in 'data', found {len(apps)}")
        data = apps[0]
    if not isinstance(data, dict) or data.get("type") != "application":
        raise PayloadError("not a VK Работа application: 'data' must be an object of type \"application\"")
    return data


def _included(payload: dict, kind: str, ident: str) -> dict:
    for item in payload.get("included") or []:
        if isinstance(item, dict) and item.get("type") == kind and text(item.get("id")) == ident:
            return section(item, "attributes")
    return {}


class VkParser:
    def external_id(self, payload: dict) -> str | None:
        try:
            ident = text(_application(payload).get("id"))
        except (PayloadError, AttributeError):
            return None
        return f"application:{ident}" if ident else None

    def parse(self, payload: dict) -> Lead:
        application = _application(require_object(payload, "a VK Работа document"))
        attrs = section(application, "attributes")
        link = section(section(section(application, "relationships"), "candidate"), "data")
        candidate = _included(payload, "candidate", text(link.get("id")))
        if not candidate:
            raise PayloadError("the VK Работа application has no candidate in 'included'")
        job_id = text(attrs.get("job_id"))
        job = _included(payload, "job", job_id)
        address = text(candidate.get("address"))
        extra = {
            "vk_application_id": text(application.get("id")),
            "vk_application_status": text(attrs.get("status")),
            "vk_candidate_id": text(link.get("id")),
            "vk_job_id": job_id,
            "address": address,
            "birthday": text(candidate.get("birthday")),
            "about": text(candidate.get("description")),
            "education": text(candidate.get("education")),
            "nationality": text(candidate.get("nationality")),
            "medical_record": candidate.get("medical_record"),
            "driving_license_categories": candidate.get("driving_license_categories") or None,
            "responded_at": text(attrs.get("created_at")),
        }
        return Lead(
            external_id=self.external_id(payload),
            first_name=text(candidate.get("first_name")),
            last_name=text(candidate.get("last_name")),
            phones=text_list(candidate.get("phone")),
            emails=text_list(candidate.get("email")),
            city=address.split(",")[0].strip() if "," in address else address,
            vacancy=text(job.get("title")),
            extra={k: v for k, v in extra.items() if v not in ("", None)},
        )
