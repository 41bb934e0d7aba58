"""Typed, position-keeping access to YAML values: every problem becomes a finding, never an exception."""

from __future__ import annotations

import datetime as dt
import difflib
import re

from . import yamlread as yr
from .model import MAX_FINDINGS, Finding, Location
from .yamlread import YMap, YScalar, YSeq

ID_PATTERN = re.compile(r"^[a-z][a-z0-9_-]*$")
_BOOL = "tag:yaml.org,2002:bool"
_NULL = "tag:yaml.org,2002:null"


class Reader:
    """Typed access to Y values; every problem becomes a Finding, never an exception."""

    def __init__(self) -> None:
        self.findings: list[Finding] = []
        self.counts: dict[str, int] = {}

    def add(self, loc: Location, message: str) -> None:
        # At most MAX_FINDINGS per file: a hostile file must not turn into a million lines of messages.
        count = self.counts[loc.file] = self.counts.get(loc.file, 0) + 1
        if count <= MAX_FINDINGS:
            self.findings.append(Finding(loc, message))
        elif count == MAX_FINDINGS + 1:
            self.findings.append(Finding(loc, f"over {MAX_FINDINGS} feil i filen; de øvrige vises ikke"))

    def mapping(self, y: yr.Y | None, what: str) -> YMap | None:
        if isinstance(y, YMap):
            return y
        if y is not None:
            self.add(y.loc, f"{what}: forventet en tabell (nøkkel: verdi), fant {_kind(y)}")
        return None

    def keys(self, m: YMap, allowed: tuple[str, ...], required: tuple[str, ...], what: str) -> None:
        items = m.items
        for key in items:
            if key not in allowed:
                hint = difflib.get_close_matches(key, allowed, n=1)
                guess = f"; mente du «{hint[0]}»?" if hint else f"; tillatt: {', '.join(allowed)}"
                self.add(items[key][0].loc, f"ukjent nøkkel «{key}» i {what}{guess}")
        for key in required:
            if key not in items:
                self.add(m.loc, f"{what} mangler «{key}»")

    def text(self, y: yr.Y | None, what: str, *, required: bool = True) -> str | None:
        if y is None:
            return None
        if isinstance(y, YScalar) and y.tag != _NULL:
            if required and not y.text.strip():
                self.add(y.loc, f"{what} kan ikke være tom")
                return None
            return y.text
        if isinstance(y, YScalar):
            if required:
                self.add(y.loc, f"{what} mangler verdi")
            return None
        hint = ""
        if isinstance(y, YMap) and len(y.items) == 1:
            hint = "; en tekst med «: » i seg leses som en tabell – sett teksten i anførselstegn"
        self.add(y.loc, f"{what}: forventet tekst, fant {_kind(y)}{hint}")
        return None

    def ident(self, y: yr.Y | None, what: str) -> str | None:
        if y is None:
            return None
        if not isinstance(y, YScalar) or y.tag == _NULL:
            self.add(y.loc, f"{what}: forventet en id, fant {_kind(y)}")
            return None
        if y.tag == _BOOL and y.plain:
            self.add(
                y.loc,
                f"{what} «{y.text}» leses som sannhetsverdi i YAML (Norge-problemet); "
                f'skriv "{y.text}" i anførselstegn eller velg en annen id, f.eks. ja/nei',
            )
            return None
        if not ID_PATTERN.match(y.text):
            self.add(
                y.loc,
                f"{what} «{y.text}» er ikke en gyldig id; bruk små bokstaver a–z, sifre, - og _, "
                "og start med en bokstav",
            )
            return None
        return y.text

    def date(self, y: yr.Y | None, what: str) -> dt.date | None:
        if y is None:
            return None
        if isinstance(y, YScalar):
            try:
                return dt.date.fromisoformat(y.text.strip())
            except ValueError:
                pass
        self.add(y.loc, f"{what}: forventet en dato ÅÅÅÅ-MM-DD, fant «{_short(y)}»")
        return None

    def texts(self, y: yr.Y | None, what: str) -> tuple[str, ...]:
        if y is None:
            return ()
        if not isinstance(y, YSeq):
            self.add(y.loc, f"{what}: forventet en liste, fant {_kind(y)}")
            return ()
        items = (self.text(item, f"{what}, element") for item in y.items)
        return tuple(i for i in items if i is not None)

    def idents(self, y: yr.Y | None, what: str) -> tuple[str, ...]:
        if y is None:
            return ()
        if not isinstance(y, YSeq):
            self.add(y.loc, f"{what}: forventet en liste av id-er, fant {_kind(y)}")
            return ()
        items = (self.ident(item, f"{what}, element") for item in y.items)
        return tuple(i for i in items if i is not None)


def _kind(y: yr.Y | None) -> str:
    if isinstance(y, YMap):
        return "en tabell"
    if isinstance(y, YSeq):
        return "en liste"
    if isinstance(y, YScalar) and y.tag == _NULL:
        return "ingenting"
    return f"«{_short(y)}»"


def _short(y: yr.Y | None) -> str:
    text = y.text if isinstance(y, YScalar) else _kind(y)
    return text if len(text) <= 40 else text[:37] + "…"


def _get(m: YMap, key: str) -> yr.Y | None:
    item = m.items.get(key)
    return item[1] if item else None


def _key_loc(m: YMap, key: str) -> Location:
    item = m.items.get(key)
    return item[0].loc if item else m.loc
