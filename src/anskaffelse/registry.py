"""The source registry (kilder.yaml) and the dated thresholds (terskelverdier.yaml): YAML → model."""

from __future__ import annotations

import re
from collections.abc import Iterator

from . import yamlread as yr
from .model import (
    Source,
    Threshold,
    ThresholdValue,
)
from .reader import Reader, _get
from .values import ValueProblem, parse_amount
from .yamlread import YMap, YScalar, YSeq


def _entries(y: yr.Y, r: Reader, whole: str, kind: str, one: str) -> Iterator[tuple[str, YScalar, YMap, str]]:
    """The `id: {…}` entries of a registry file: (id, its key, its mapping, how a message names it)."""
    top = r.mapping(y, whole)
    if top is None:
        return
    for key, (key_y, value_y) in top.items.items():
        entry_id = r.ident(key_y, kind)
        m = r.mapping(value_y, f"{one} «{key}»")
        if entry_id is not None and m is not None:
            yield entry_id, key_y, m, f"{one} «{key}»"


def build_sources(y: yr.Y, r: Reader) -> dict[str, Source]:
    result: dict[str, Source] = {}
    for source_id, key_y, m, what in _entries(y, r, "kildene", "kilde-id", "kilden"):
        r.keys(m, ("citation", "title", "url", "checked", "status", "note"), ("citation", "title", "url"), what)
        citation = r.text(_get(m, "citation"), f"{what}: citation")
        title = r.text(_get(m, "title"), f"{what}: title")
        url = r.text(_get(m, "url"), f"{what}: url")
        if url is not None and not re.match(r"^https?://[^\s/]+\.[^\s]+$", url):
            r.add(_get(m, "url").loc, f"{what}: url må være en http(s)-adresse, fant «{url[:60]}»")  # type: ignore[union-attr]
            url = None
        checked = r.date(_get(m, "checked"), f"{what}: checked")
        status = r.text(_get(m, "status"), "status", required=False) or ""
        if status and status not in ("primary", "confirmed", "verify"):
            r.add(_get(m, "status").loc, f"{what}: status må være primary, confirmed eller verify")  # type: ignore[union-attr]
        note = r.text(_get(m, "note"), "note", required=False) or ""
        if citation and title and url:
            result[source_id] = Source(source_id, citation, title, url, checked, key_y.loc, status, note)
    return result


def build_thresholds(y: yr.Y, r: Reader) -> dict[str, Threshold]:
    result: dict[str, Threshold] = {}
    allowed = ("title", "source", "checked", "confirmed_until", "values", "note")
    for threshold_id, key_y, m, what in _entries(y, r, "terskelverdiene", "terskel-id", "terskelen"):
        r.keys(m, allowed, ("title", "source", "values"), what)
        values = build_threshold_values(what, _get(m, "values"), r)
        title = r.text(_get(m, "title"), f"{what}: title")
        source = r.ident(_get(m, "source"), f"{what}: source")
        if title is None or source is None or not values:
            continue
        result[threshold_id] = Threshold(
            threshold_id,
            title,
            source,
            r.date(_get(m, "checked"), f"{what}: checked"),
            values,
            key_y.loc,
            r.date(_get(m, "confirmed_until"), f"{what}: confirmed_until"),
            r.text(_get(m, "note"), "note", required=False) or "",
        )
    return result


def build_threshold_values(what: str, y: yr.Y | None, r: Reader) -> tuple[ThresholdValue, ...]:
    if not isinstance(y, YSeq) or not y.items:
        if y is not None:
            r.add(y.loc, f"{what}: values må være en ikke-tom liste av {{from: dato, amount: beløp}}")
        return ()
    values: list[ThresholdValue] = []
    for item in y.items:
        m = r.mapping(item, f"{what}: verdi")
        if m is None:
            continue
        r.keys(m, ("from", "amount"), ("from", "amount"), f"{what}: verdi")
        start = r.date(_get(m, "from"), f"{what}: from")
        amount_y = _get(m, "amount")
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
            r.add(
                m.loc,
                f"{what}: datoene må stå i stigende rekkefølge ({start} står etter {values[-1].start}, "
                "men er tidligere)",
            )
            continue
        values.append(ThresholdValue(start, amount, m.loc))
    return tuple(values)
