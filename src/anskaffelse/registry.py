"""The catalogue's registers: sources (kilder.yaml) and dated thresholds (terskelverdier.yaml), and
thresholds an organisation supplies itself (`--thresholds FIL`), with a position on every finding."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace

from .model import CONFIRMED, REPORTED, SUPPLIED, Change, Source, Threshold, ThresholdValue
from .values import ValueProblem, parse_amount
from .yamlfile import Reader, Y, YMap, YScalar, YSeq, get

SOURCES_FILE = "kilder.yaml"
_SOURCE_KEYS = ("citation", "title", "url", "checked", "status", "note", "changes")
THRESHOLDS_FILE = "terskelverdier.yaml"
# The unit of a value in terskelverdier.yaml: kroner (thresholds and rule amounts), or a rule's percentage or
# number of months (FOA § 5-4 (8) and (12)).
UNITS = ("kr", "prosent", "måneder")
# An address printed in reports and on screens: https, and nothing that could end a link or start markup.
_URL = re.compile(r"https://[^\s/<>\"'`\\\x00-\x1f\x7f-\x9f]+\.[^\s<>\"'`\\\x00-\x1f\x7f-\x9f]+")


def _entries(y: Y, r: Reader, whole: str, kind: str, one: str) -> Iterator[tuple[str, YScalar, YMap, str]]:
    """The `id: {…}` entries of a registry file: (id, its key, its mapping, how a message names it)."""
    top = r.mapping(y, whole)
    if top is None:
        return
    for key, (key_y, value_y) in top.items.items():
        entry_id = r.ident(key_y, kind)
        m = r.mapping(value_y, f"{one} «{key}»")
        if entry_id is not None and m is not None:
            yield entry_id, key_y, m, f"{one} «{key}»"


def build_sources(y: Y, r: Reader) -> dict[str, Source]:
    result: dict[str, Source] = {}
    for source_id, key_y, m, what in _entries(y, r, "kildene", "kilde-id", "kilden"):
        r.keys(
            m, ("citation", "title", "url", "checked", "status", "note", "changes"), ("citation", "title", "url"), what
        )
        citation = r.text(get(m, "citation"), f"{what}: citation")
        title = r.text(get(m, "title"), f"{what}: title")
        url = r.text(get(m, "url"), f"{what}: url")
        if url is not None and not _URL.fullmatch(url):
            shown = url[:60].encode("unicode_escape").decode("ascii")
            message = (
                f"{what}: url må være en https-adresse uten mellomrom, kontrolltegn eller <>\"'`\\, fant «{shown}»"
            )
            r.add(get(m, "url").loc, message)  # type: ignore[union-attr]
            url = None
        checked = r.date(get(m, "checked"), f"{what}: checked")
        status = r.text(get(m, "status"), "status", required=False) or ""
        if status and status not in ("primary", "confirmed", "verify"):
            r.add(get(m, "status").loc, f"{what}: status må være primary, confirmed eller verify")  # type: ignore[union-attr]
        note = r.text(get(m, "note"), "note", required=False) or ""
        changes = _changes(get(m, "changes"), r, what)
        if citation and title and url:
            result[source_id] = Source(source_id, citation, title, url, checked, key_y.loc, status, note, changes)
    return result


def _changes(y: Y | None, r: Reader, what: str) -> tuple[Change, ...]:
    """`changes: [{from, status, checked, text}, …]`: changes in the law the outcomes citing the source must name."""
    if y is None:
        return ()
    if not isinstance(y, YSeq):
        r.add(y.loc, f"{what}: changes må være en liste av {{from, status, checked, text}}")
        return ()
    found = []
    for item in y.items:
        m = r.mapping(item, f"{what}: endring")
        if m is None:
            continue
        r.keys(m, ("from", "status", "checked", "text"), ("from", "status", "checked", "text"), f"{what}: endring")
        start, checked = r.date(get(m, "from"), f"{what}: from"), r.date(get(m, "checked"), f"{what}: checked")
        status, text = r.text(get(m, "status"), f"{what}: status"), r.text(get(m, "text"), f"{what}: text")
        if status is not None and status not in (CONFIRMED, REPORTED):
            r.add(m.loc, f"{what}: status må være {CONFIRMED} eller {REPORTED}, ikke «{status}»")
            continue
        if start and status and text:
            found.append(Change(start, status, checked, text, m.loc))
    return tuple(found)


def build_thresholds(y: Y, r: Reader) -> dict[str, Threshold]:
    result: dict[str, Threshold] = {}
    allowed = ("title", "source", "checked", "confirmed_until", "values", "note", "unit", "before_first")
    for threshold_id, key_y, m, what in _entries(y, r, "terskelverdiene", "terskel-id", "terskelen"):
        r.keys(m, allowed, ("title", "source", "values"), what)
        values = build_threshold_values(what, get(m, "values"), r)
        title = r.text(get(m, "title"), f"{what}: title")
        source = r.ident(get(m, "source"), f"{what}: source")
        if title is None or source is None or not values:
            continue
        checked, until = (r.date(get(m, k), f"{what}: {k}") for k in ("checked", "confirmed_until"))
        note = r.text(get(m, "note"), "note", required=False) or ""
        unit = r.text(get(m, "unit"), f"{what}: unit", required=False) or "kr"
        if unit not in UNITS:
            r.add(get(m, "unit").loc, f"{what}: unit må være {', '.join(UNITS)}, ikke «{unit}»")  # type: ignore[union-attr]
            continue
        before = r.text(get(m, "before_first"), f"{what}: before_first", required=False)
        if before not in (None, "ukjent"):
            r.add(get(m, "before_first").loc, f"{what}: before_first kan bare være «ukjent»")  # type: ignore[union-attr]
        result[threshold_id] = Threshold(
            threshold_id, title, source, checked, values, key_y.loc, until, note, unit, before == "ukjent"
        )
    return result


def build_threshold_values(what: str, y: Y | None, r: Reader) -> tuple[ThresholdValue, ...]:
    if not isinstance(y, YSeq) or not y.items:
        if y is not None:
            r.add(y.loc, f"{what}: values må være en ikke-tom liste av {{from: dato, amount: beløp}}")
        return ()
    values: list[ThresholdValue] = []
    for item in y.items:
        m = r.mapping(item, f"{what}: verdi")
        if m is None:
            continue
        r.keys(m, ("from", "amount", "status", "source"), ("from", "amount"), f"{what}: verdi")
        start = r.date(get(m, "from"), f"{what}: from")
        status, origin = _status(m, r, what)
        amount_y = get(m, "amount")
        amount = None
        if isinstance(amount_y, YScalar):
            try:
                amount = parse_amount(amount_y.text)
            except ValueProblem as exc:
                r.add(amount_y.loc, f"{what}: amount: {exc}")
        if start is None or amount is None:
            continue
        if values and start == values[-1].start:
            r.add(m.loc, f"{what}: to verdier gjelder fra samme dato {start}; hvilken gjelder da? Fjern den ene")
            continue
        if values and start < values[-1].start:
            r.add(m.loc, f"{what}: datoene må stå i stigende rekkefølge ({start} står etter {values[-1].start})")
            continue
        values.append(ThresholdValue(start, amount, m.loc, status, origin))
    return tuple(values)


def _status(m: YMap, r: Reader, what: str) -> tuple[str, str]:
    """A value's status (bekreftet unless it says rapportert) and, for a reported one, its source."""
    status = r.text(get(m, "status"), f"{what}: status", required=False) or CONFIRMED
    origin = r.text(get(m, "source"), f"{what}: source", required=False) or ""
    if status not in (CONFIRMED, REPORTED):
        r.add(m.loc, f"{what}: status må være {CONFIRMED} eller {REPORTED}, ikke «{status}»")
        status = CONFIRMED
    if status == REPORTED and not origin:
        r.add(m.loc, f"{what}: en rapportert verdi trenger source: hvor den er rapportert, og hvor sikker kilden er")
    return status, origin


def build_supplied(y: Y, r: Reader, known: dict[str, Threshold]) -> dict[str, Threshold]:
    """Threshold values an organisation has confirmed itself (`--thresholds FIL`): `ID: {source: …,
    values: [{from, amount}, …]}` for thresholds the catalogue has. Each value is marked as supplied
    by the user, with the source it gives, and is used as confirmed from its date."""
    merged: dict[str, Threshold] = {}
    for threshold_id, key_y, m, what in _entries(y, r, "terskelverdiene", "terskel-id", "terskelen"):
        r.keys(m, ("source", "values"), ("source", "values"), what)
        if threshold_id not in known:
            r.add(key_y.loc, f"{what}: katalogen har ingen terskelverdi med denne id-en{_hint(threshold_id, known)}")
            continue
        origin = r.text(get(m, "source"), f"{what}: source") or ""
        values = build_threshold_values(what, get(m, "values"), r)
        if not origin or not values:
            continue
        own = [replace(v, status=SUPPLIED, source=origin) for v in values]
        base = known[threshold_id]
        merged[threshold_id] = replace(base, values=tuple(sorted((*base.values, *own), key=lambda v: v.start)))
    return merged


def _hint(name: str, known: dict[str, Threshold]) -> str:
    from .findings import suggest

    return suggest(name, known) + f"; den har {', '.join(sorted(known))}"
