"""The catalogue's own facts (katalog.yaml: which legal texts the trees follow, as they read on a date),
and a yes-or-no key of a tree. katalog.yaml is optional: a catalogue without it (the sketch) loads as before.

```yaml
law_as_of:
  FOA: 2024-03-21      # forskriften slik den lød med den siste endringen i kraft denne dagen
```
"""

from __future__ import annotations

import datetime as dt

from .yamlfile import Reader, Y, YScalar, get

CATALOGUE_FILE = "katalog.yaml"
_KEYS = ("law_as_of",)
MAX_NAME = 80


def flag(y: Y | None, what: str, r: Reader) -> bool:
    """A yes-or-no key (`navigation: true`); absent is false."""
    if y is None:
        return False
    if isinstance(y, YScalar) and y.tag.endswith(":bool") and y.text in ("true", "false"):
        return y.text == "true"
    r.add(y.loc, f"{what} må være true eller false")
    return False


def build_law_as_of(y: Y, r: Reader) -> tuple[tuple[str, dt.date], ...]:
    """katalog.yaml → (law, date) for each legal text the catalogue follows, in the file's order."""
    m = r.mapping(y, CATALOGUE_FILE)
    if m is None:
        return ()
    r.keys(m, _KEYS, _KEYS, CATALOGUE_FILE)
    laws = r.mapping(get(m, "law_as_of"), "law_as_of")
    if laws is None:
        return ()
    found = []
    for name, (key_y, value_y) in laws.items.items():
        if not name.strip() or len(name) > MAX_NAME:
            r.add(key_y.loc, f"law_as_of: navnet på regelverket må være en kort tekst (høyst {MAX_NAME} tegn)")
            continue
        day = r.date(value_y, f"law_as_of: {name}")
        if day is not None:
            found.append((name, day))
    return tuple(found)
