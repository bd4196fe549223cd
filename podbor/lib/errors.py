"""Errors that services raise and every interface (API, UI, command) turns into a clear answer."""


class ServiceError(Exception):
    code = "error"
    status = 400

    def __init__(self, detail: str, *, fields: dict[str, list[str]] | None = None, extra: dict | None = None):
        super().__init__(detail)
        self.detail = detail
        self.fields = fields or {}
        self.extra = extra or {}  # more of the same answer, e.g. a diagram's errors by element


class ValidationFailed(ServiceError):
    code = "validation_error"
    status = 400


class GuardFailed(ServiceError):
    """A stage's guard refused a move: ``missing`` lists the fields to fill first."""

    code = "stage_guard_failed"
    status = 422

    def __init__(self, detail: str, *, missing: list[dict[str, str]]):
        super().__init__(detail, fields={m["field"]: [m["message"]] for m in missing})
        self.missing = missing


class Conflict(ServiceError):
    code = "conflict"
    status = 409


class PermissionRefused(ServiceError):
    code = "forbidden"
    status = 403
