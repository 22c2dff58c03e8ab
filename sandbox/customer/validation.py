"""Body validation for the customer service: each check returns field errors, never raises."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sandbox.customer import enums
from sandbox.http import field_error

Errors = list[dict[str, str]]

UNKNOWN_VALUE = "unknown value"
MAX_PAGE_SIZE = 200
DEFAULT_PAGE_SIZE = 20


def check_enum(value: Any, allowed: tuple[str, ...], name: str, *, required: bool) -> Errors:
    if value is None or value == "":
        return [field_error(name, "is required")] if required else []
    if value not in allowed:
        return [field_error(name, UNKNOWN_VALUE)]
    return []


def check_string(value: Any, name: str, *, required: bool) -> Errors:
    if value is None or value == "":
        return [field_error(name, "is required")] if required else []
    if not isinstance(value, str):
        return [field_error(name, "must be a string")]
    return []


def check_object(value: Any, name: str, *, required: bool) -> Errors:
    if value is None:
        return [field_error(name, "is required")] if required else []
    if not isinstance(value, dict):
        return [field_error(name, "must be an object")]
    return []


def check_list(value: Any, name: str, *, required: bool) -> Errors:
    if value is None:
        return [field_error(name, "is required")] if required else []
    if not isinstance(value, list):
        return [field_error(name, "must be a list")]
    return []


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def parse_created(value: Any) -> str | None:
    """ISO date or datetime → a string comparable with stored ``created`` values."""
    if not isinstance(value, str):
        raise ValueError(value)
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        if moment.tzinfo is not None:
            moment = moment.astimezone(UTC)
        return moment.strftime("%Y-%m-%dT%H:%M:%S")


def validate_filter(body: dict[str, Any]) -> tuple[dict[str, str | None], int, int, Errors]:
    """The list filter ``{type, created, status, pageNumber, pageSize}``."""
    errors: Errors = []
    customer_type = body.get("type") or None
    status = body.get("status") or None
    created = body.get("created") or None
    errors += check_enum(customer_type, enums.CUSTOMER_TYPES, "type", required=False)
    errors += check_enum(status, enums.CUSTOMER_STATUSES, "status", required=False)
    if created is not None:
        try:
            created = parse_created(created)
        except ValueError:
            errors.append(field_error("created", "must be an ISO date (YYYY-MM-DD)"))
    page_number = body.get("pageNumber", 1)
    page_size = body.get("pageSize", DEFAULT_PAGE_SIZE)
    if page_number is None:
        page_number = 1
    if page_size is None:
        page_size = DEFAULT_PAGE_SIZE
    if not _is_int(page_number) or page_number < 1:
        errors.append(field_error("pageNumber", "must be an integer >= 1"))
    if not _is_int(page_size) or not 1 <= page_size <= MAX_PAGE_SIZE:
        errors.append(field_error("pageSize", f"must be an integer between 1 and {MAX_PAGE_SIZE}"))
    filters = {"type": customer_type, "status": status, "created": created}
    return filters, page_number, page_size, errors


def validate_customer(body: Any, prefix: str = "", *, partial: bool = False) -> Errors:
    """A Customer body; ``partial`` (PUT) makes every field optional."""
    if not isinstance(body, dict):
        return [field_error(prefix.rstrip(".") or "body", "must be an object")]
    required = not partial
    errors: Errors = []
    errors += check_enum(
        body.get("customerType"), enums.CUSTOMER_TYPES, prefix + "customerType", required=required
    )
    errors += check_string(body.get("customerName"), prefix + "customerName", required=required)
    errors += check_enum(
        body.get("customerStatus"),
        enums.CUSTOMER_STATUSES,
        prefix + "customerStatus",
        required=False,
    )
    errors += check_enum(
        body.get("categorization"),
        enums.CATEGORIZATIONS,
        prefix + "categorization",
        required=False,
    )
    errors += check_string(body.get("organizationId"), prefix + "organizationId", required=False)
    notifications = body.get("notifications")
    errors += check_list(notifications, prefix + "notifications", required=False)
    if isinstance(notifications, list):
        for index, item in enumerate(notifications):
            errors += check_object(item, f"{prefix}notifications[{index}]", required=True)
    errors += _validate_person(body.get("person"), prefix + "person")
    twofa = body.get("twofa")
    errors += check_object(twofa, prefix + "twofa", required=False)
    if isinstance(twofa, dict):
        errors += check_enum(
            twofa.get("targetType"),
            enums.TWOFA_TARGET_TYPES,
            prefix + "twofa.targetType",
            required=False,
        )
    return errors


def _validate_person(person: Any, name: str) -> Errors:
    errors = check_object(person, name, required=False)
    if not isinstance(person, dict):
        return errors
    errors += check_enum(person.get("gender"), enums.GENDERS, name + ".gender", required=False)
    errors += check_string(person.get("email"), name + ".email", required=False)
    for part in ("firstName", "lastName"):
        errors += check_object(person.get(part), f"{name}.{part}", required=False)
    phones = person.get("telephoneNumbers")
    errors += check_list(phones, name + ".telephoneNumbers", required=False)
    for index, phone in enumerate(phones if isinstance(phones, list) else []):
        field_name = f"{name}.telephoneNumbers[{index}]"
        errors += check_object(phone, field_name, required=True)
        if isinstance(phone, dict):
            errors += check_enum(
                phone.get("phoneType"),
                enums.PHONE_TYPES,
                field_name + ".phoneType",
                required=False,
            )
    addresses = person.get("addresses")
    errors += check_list(addresses, name + ".addresses", required=False)
    for index, entry in enumerate(addresses if isinstance(addresses, list) else []):
        errors += validate_address_entry(entry, f"{name}.addresses[{index}].")
    documents = person.get("documents")
    errors += check_list(documents, name + ".documents", required=False)
    for index, document in enumerate(documents if isinstance(documents, list) else []):
        errors += validate_document(document, f"{name}.documents[{index}].")
    questions = person.get("SecretQuestion")
    errors += check_list(questions, name + ".SecretQuestion", required=False)
    for index, question in enumerate(questions if isinstance(questions, list) else []):
        errors += check_object(question, f"{name}.SecretQuestion[{index}]", required=True)
    return errors


def validate_address_entry(entry: Any, prefix: str = "") -> Errors:
    """``{"addressPurpose", "address": Address}``."""
    if not isinstance(entry, dict):
        return [field_error(prefix.rstrip(".") or "body", "must be an object")]
    errors = check_string(entry.get("addressPurpose"), prefix + "addressPurpose", required=True)
    errors += check_object(entry.get("address"), prefix + "address", required=True)
    return errors


def validate_document(document: Any, prefix: str = "") -> Errors:
    if not isinstance(document, dict):
        return [field_error(prefix.rstrip(".") or "body", "must be an object")]
    errors = check_string(document.get("name"), prefix + "name", required=True)
    errors += check_enum(
        document.get("purpose"), enums.DOCUMENT_PURPOSES, prefix + "purpose", required=True
    )
    errors += check_enum(
        document.get("documentType"), enums.DOCUMENT_TYPES, prefix + "documentType", required=True
    )
    errors += check_enum(
        document.get("status"), enums.DOCUMENT_STATUSES, prefix + "status", required=False
    )
    return errors
