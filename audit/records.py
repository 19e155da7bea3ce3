"""Writing audit entries: `record()` for one, `record_many()` for many in one INSERT.

For writes that bypass model signals (bulk_create, queryset.update), which is how bookings.services
writes cycles and sessions:

    audit.record(session, audit.UPDATE, changes=audit.diff(before, audit.snapshot(session, FIELDS)),
                 patient_id=session.patient_id, clinic_id=session.clinic_id, actor=by)

`changes` is {field: [old, new]} with JSON values (instants as ISO 8601, related rows as ids), the shape
auditlog itself stores. The actor is the `actor` given, else the signed-in user of the current request;
the address is the current request's (audit.context). Messages and representations name rows by type
and id only, never a patient's name.
"""

from __future__ import annotations

import datetime as dt
import decimal
import uuid
from collections.abc import Iterable, Mapping
from enum import Enum
from typing import Any, cast

from auditlog.cid import get_cid
from auditlog.models import LogEntry
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import models

from audit import context

CREATE = LogEntry.Action.CREATE
UPDATE = LogEntry.Action.UPDATE
DELETE = LogEntry.Action.DELETE
ACCESS = LogEntry.Action.ACCESS

#: API name of each action, and back.
ACTION_NAMES = {CREATE: "create", UPDATE: "update", DELETE: "delete", ACCESS: "access"}
ACTIONS_BY_NAME = {name: value for value, name in ACTION_NAMES.items()}

#: The model whose rows are patients: its entries are scoped by their own id. A label, not an import:
#: the audit app depends on no domain app.
PATIENT_MODEL = "bookings.patient"

_UNSET: Any = object()

Target = models.Model | tuple[type[models.Model] | str, Any]


def jsonable(value):
    """A value as JSON can hold it: instants and dates in ISO 8601, related rows by id."""
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    return value


def snapshot(instance: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """The current values of `fields` (model field names; a relation is read as its id, no query)."""
    opts = instance._meta
    # `fields` name concrete fields (a relation is its ForeignKey); get_field may also return reverse relations.
    return {name: jsonable(getattr(instance, cast("models.Field[Any, Any]", opts.get_field(name)).attname)) for name in fields}


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list]:
    """{field: [old, new]} for every field whose value differs (a field missing before was None)."""
    changes = {}
    for name, new in after.items():
        old, new = jsonable(before.get(name)), jsonable(new)
        if old != new:
            changes[name] = [old, new]
    return changes


def created(instance: models.Model, fields: Iterable[str]) -> dict[str, list]:
    """The changes of a new row: every field from None."""
    return diff({}, snapshot(instance, fields))


def _resolve(target: Target) -> tuple[type[models.Model], Any]:
    if isinstance(target, models.Model):
        return type(target), target.pk
    model, pk = target
    if isinstance(model, str):
        model = apps.get_model(model)
    return model, pk


def _action(action) -> int:
    if isinstance(action, str):
        return ACTIONS_BY_NAME[action]
    return int(action)


def entry(
    target: Target,
    action,
    *,
    changes: Mapping[str, list] | None = None,
    patient_id: int | None = None,
    clinic_id: int | None = None,
    actor=None,
    remote_addr: str | None = _UNSET,
) -> LogEntry:
    """An unsaved entry for `target` (a row, or a (model, pk) pair): save it with record_many()."""
    model, pk = _resolve(target)
    request = context.current()
    if actor is None and request is not None:
        actor = request.actor
    if remote_addr is _UNSET:
        remote_addr = request.remote_addr if request is not None else None
    return LogEntry(
        content_type=ContentType.objects.get_for_model(model),
        object_pk=str(pk),
        object_id=pk if isinstance(pk, int) else None,
        object_repr=f"{str(model._meta.verbose_name).capitalize()} {pk}",
        action=_action(action),
        changes={name: [jsonable(old), jsonable(new)] for name, (old, new) in (changes or {}).items()},
        actor=actor,
        actor_email=(getattr(actor, "email", None) or None) if actor is not None else None,
        remote_addr=remote_addr,
        cid=get_cid(),
        additional_data={"patient": patient_id, "clinic": clinic_id},
    )


def record_many(entries: Iterable[LogEntry]) -> list[LogEntry]:
    """Save entries in one INSERT (bulk_create sends no signals: the entries are complete already)."""
    rows = list(entries)
    if not rows:
        return []
    return LogEntry.objects.bulk_create(rows)


def record(target: Target, action, **kwargs) -> LogEntry:
    """Write one entry now; see entry() for the arguments."""
    return record_many([entry(target, action, **kwargs)])[0]


def record_access(
    instances: Iterable[models.Model], *, request, patient_of, clinic_of
) -> list[LogEntry]:
    """One ACCESS entry per row handed out to `request`'s user, in one INSERT."""
    user = getattr(request, "user", None)
    actor = user if user is not None and user.is_authenticated else None
    address = context.client_address(request)
    return record_many(
        entry(obj, ACCESS, patient_id=patient_of(obj), clinic_id=clinic_of(obj), actor=actor, remote_addr=address)
        for obj in instances
    )


def is_patient_model(content_type: ContentType) -> bool:
    return f"{content_type.app_label}.{content_type.model}" == PATIENT_MODEL


def scope_patient_entry(sender, instance: LogEntry, **kwargs) -> None:
    """pre_save of auditlog's own Patient entries: scope them like ours, {"patient": id, "clinic": id}.

    The clinic comes from the entry's serialized_data, which the registration limits to the clinic
    field (settings.AUDITLOG_INCLUDE_TRACKING_MODELS). The representation names the row by id rather
    than by the patient's name (str(patient)). No query: the content type is already loaded.
    """
    if instance.additional_data or not instance.content_type_id:
        return
    if not is_patient_model(instance.content_type):
        return
    fields = (instance.serialized_data or {}).get("fields") or {}
    instance.additional_data = {"patient": instance.object_id, "clinic": fields.get("clinic")}
    instance.object_repr = f"Patient {instance.object_pk}"
