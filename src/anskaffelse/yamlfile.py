"""Bytes → positioned YAML, and typed access to it: the only module that imports yaml.

PyYAML (libyaml where present) only *composes* the file into nodes; nothing is ever constructed
from a tag, so no object of a file's choosing can be built. The nodes are then copied into small
positioned values (Y), refusing what these files may not hold: duplicate keys (PyYAML would
silently keep the last), aliases, merge keys and foreign tags, control characters from escapes,
and nesting deeper than MAX_DEPTH.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import stat
from typing import Any

import yaml

from .findings import MAX_FILE_BYTES, Finding, Findings, Location, suggest

MAX_DEPTH = 64
_TOO_DEEP = f"for dyp nøsting (mer enn {MAX_DEPTH} nivåer)"
ID_PATTERN = re.compile(r"[a-z][a-z0-9_-]*")
_STD = "tag:yaml.org,2002:"
SCALAR_TAGS = frozenset(_STD + t for t in ("str", "int", "float", "bool", "null", "timestamp"))
_STR, _MAP, _SEQ, _BOOL, _NULL = (_STD + t for t in ("str", "map", "seq", "bool", "null"))


_Loader: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class YamlProblem(Exception):
    """The file cannot be read at all; `finding` says why."""

    def __init__(self, finding: Finding) -> None:
        super().__init__(str(finding))
        self.finding = finding


class _Placed:
    """A value with its place; the Location is made only when a message needs it (there are many values)."""

    __slots__ = ("col", "file", "line")

    def __init__(self, file: str, line: int, col: int) -> None:
        self.file = file
        self.line = line
        self.col = col

    @property
    def loc(self) -> Location:
        return Location(self.file, self.line, self.col)


class YScalar(_Placed):
    __slots__ = ("plain", "refused", "tag", "text")

    def __init__(
        self, text: str, tag: str, file: str, line: int, col: int, plain: bool = True, refused: bool = False
    ) -> None:
        self.file, self.line, self.col = file, line, col
        self.text = text
        self.tag = tag
        self.plain = plain  # written without quotes: YAML may have read it as a bool, number or date
        self.refused = refused  # stands in (as an empty null) for a node that was refused


class YMap(_Placed):
    __slots__ = ("items",)

    def __init__(self, file: str, line: int, col: int) -> None:
        super().__init__(file, line, col)
        self.items: dict[str, tuple[YScalar, Y]] = {}


class YSeq(_Placed):
    __slots__ = ("items",)

    def __init__(self, file: str, line: int, col: int, items: list[Y]) -> None:
        super().__init__(file, line, col)
        self.items = items


Y = YScalar | YMap | YSeq


def read_bytes(path: str | os.PathLike[str], shown: str, *, regular_only: bool = False) -> bytes:
    """Read a file, refusing directories and files over MAX_FILE_BYTES before reading them.

    `regular_only` refuses pipes and devices too: a FIFO among the trees would hang the loader
    (an answer file may well be a pipe: --answers <(…) or /dev/stdin).
    """
    loc = Location(shown)
    try:
        if os.path.isdir(path):
            raise YamlProblem(Finding(loc, "er en mappe, ikke en fil"))
        if regular_only and not stat.S_ISREG(os.stat(path).st_mode):
            raise YamlProblem(Finding(loc, "er ikke en vanlig fil (en FIFO, en enhet eller en socket)"))
        with open(path, "rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        raise YamlProblem(Finding(loc, "filen finnes ikke")) from None
    except PermissionError:
        raise YamlProblem(Finding(loc, "mangler lesetilgang til filen")) from None
    except OSError as exc:
        raise YamlProblem(Finding(loc, f"kan ikke lese filen ({exc.strerror})")) from None
    if len(data) > MAX_FILE_BYTES:
        size = os.path.getsize(path) if regular_only or os.path.isfile(path) else len(data)
        raise YamlProblem(Finding(loc, f"filen er for stor ({_size(size)}; grensen er {_size(MAX_FILE_BYTES)})"))
    return data


def _size(n: int) -> str:
    return f"{n:,} byte".replace(",", " ")


def parse(data: bytes, shown: str, findings: Findings) -> Y:
    """Bytes of one YAML document → Y, or YamlProblem when nothing can be read.

    Refused nodes are findings and stand in as empty values: the rest of the file is still read,
    so that `validate` can report every problem at once.
    """
    text = _decode(data, shown)
    loader = _Loader(text)
    try:
        return _Build(loader, shown, findings).document()
    except yaml.MarkedYAMLError as exc:
        raise YamlProblem(_yaml_finding(exc, text, shown)) from None
    except yaml.YAMLError as exc:
        raise YamlProblem(Finding(Location(shown, 1, 1), f"ugyldig YAML ({exc})")) from None
    finally:
        loader.dispose()


def _decode(data: bytes, shown: str) -> str:
    if data.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        raise YamlProblem(Finding(Location(shown, 1, 1), "filen er lagret som UTF-32; lagre den som UTF-8"))
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise YamlProblem(Finding(Location(shown, 1, 1), "filen er lagret som UTF-16; lagre den som UTF-8"))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        col = len(data[: exc.start].rsplit(b"\n", 1)[-1].decode("utf-8", "replace")) + 1
        raise YamlProblem(
            Finding(Location(shown, line, col), "filen er ikke gyldig UTF-8; lagre den som UTF-8")
        ) from None
    first = _REFUSED.search(text)  # one pass over the text for both kinds (a large file is megabytes)
    if first is None:
        return text
    bidi = _BIDI.search(text, first.start())
    if bidi:  # printable to YAML, but it makes a text on screen read otherwise than it is
        message = f"tegnet U+{ord(bidi.group()):04X} styrer skriveretningen og kan skjule hva teksten sier; fjern det"
        raise YamlProblem(Finding(_at(text, bidi.start(), shown), message))
    char = first.group()  # no bidi control from here on: a character YAML does not allow
    message = (
        "filen inneholder NUL-tegn; er det en binærfil?"
        if char == "\x00"
        else f"tegnet U+{ord(char):04X} er ikke tillatt i YAML (et kontrolltegn eller usynlig tegn); fjern det"
    )
    raise YamlProblem(Finding(_at(text, first.start(), shown), message))


def _at(text: str, index: int, shown: str) -> Location:
    """The line and column (from 1) of a character in the text."""
    return Location(shown, text.count("\n", 0, index) + 1, index - (text.rfind("\n", 0, index) + 1) + 1)


# What YAML does not allow in a file: C0 and C1 controls but tab, line breaks and NEL, DEL,
# surrogates and U+FFFE/U+FFFF. (Written as the characters refused, not as the complement of
# those allowed: the same set, checked for every code point, but ten times quicker to compile.)
_NON_PRINTABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]")
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")  # embeddings, overrides and isolates
_REFUSED = re.compile(_NON_PRINTABLE.pattern[:-1] + _BIDI.pattern[1:])  # either of them
# Escapes in quoted text ("\e", "\x1b", "\u009b") can still produce these; a terminal would obey them.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_ALIAS = "ankere og aliaser (&navn / *navn) er ikke tillatt i disse filene"
_MERGE = "sammenslåingsnøkler («<<») er ikke tillatt"
_QUOTE_HINT = "sett teksten i anførselstegn"
# libyaml's and PyYAML's problems (substrings), in Norwegian; the first match wins.
_PROBLEMS: tuple[tuple[str, str], ...] = (
    ("tab character", "tabulator i innrykk; YAML krever mellomrom"),
    ("'\\t'", "tabulator i innrykk; YAML krever mellomrom"),
    ("expected a single document", "filen har flere YAML-dokumenter (---); én fil skal ha ett dokument"),
    ("but found another document", "filen har flere YAML-dokumenter (---); én fil skal ha ett dokument"),
    ("exceeded maximum nesting depth", f"for dyp nøsting (mer enn {MAX_DEPTH} nivåer)"),
    ("undefined alias", _ALIAS),
    ("mapping values are not allowed", f"kolon («: ») der det ikke kan stå; {_QUOTE_HINT}, eller sjekk innrykket"),
    ("unexpected ':'", f"kolon («: ») der det ikke kan stå; {_QUOTE_HINT}"),
    ("could not find expected ':'", "fant ikke kolon («:») etter nøkkelen; sjekk linjen og innrykket"),
    ("did not find expected key", "fant ikke en nøkkel der den var ventet; sjekk innrykket"),
    ("expected <block end>", "fant ikke en nøkkel der den var ventet; sjekk innrykket"),
    ("expected '-' indicator", "fant ikke et listeelement («- ») der det var ventet; sjekk innrykket"),
    ("block sequence entries are not allowed", "listeelement («- ») der det ikke kan stå; sjekk innrykket"),
    ("expected ',' or ']'", "listen i [ ] mangler «,» eller avsluttende «]»"),
    ("expected ',' or '}'", "tabellen i { } mangler «,» eller avsluttende «}»"),
    (
        "unexpected end of stream",
        "filen slutter midt i en verdi; mangler et avsluttende anførselstegn eller en parentes?",
    ),
    ("unknown escape character", "ukjent tegn etter «\\» i tekst i doble anførselstegn; bruk enkle anførselstegn"),
    ("invalid Unicode character escape", "ugyldig \\u-kode i tekst i doble anførselstegn; skriv tegnet som det er"),
    ("expected node content", "forventet en verdi her"),
    ("expected the node content", "forventet en verdi her"),
)


def _yaml_finding(exc: yaml.MarkedYAMLError, text: str, shown: str) -> Finding:
    mark = exc.problem_mark or exc.context_mark
    loc = Location(shown, mark.line + 1, mark.column + 1) if mark else Location(shown)
    problem = (exc.problem or "").strip()
    opened = exc.context_mark
    if "end of stream" in problem and "quoted scalar" in (exc.context or "") and opened is not None:
        # Where the file ends says nothing; where the quote was opened is the line to fix.
        where = Location(shown, opened.line + 1, opened.column + 1)
        return Finding(where, "anførselstegnet som begynner her, blir aldri lukket")
    if "cannot start any token" in problem and mark is not None and 0 <= mark.index < len(text):
        char = text[mark.index]
        if char == "\t":
            return Finding(loc, "tabulator i innrykk; YAML krever mellomrom")
        return Finding(loc, f"tegnet «{char}» kan ikke begynne en verdi; {_QUOTE_HINT}")
    for needle, message in _PROBLEMS:
        if needle in problem:
            return Finding(loc, message)
    context = f"{exc.context}; " if exc.context else ""
    return Finding(loc, f"ugyldig YAML ({context}{problem})")


class _Build:
    """Builds Y values from PyYAML's parse events, refusing what these files may not hold.

    Events, not composed nodes: an alias is then refused where it stands (and never followed), and
    a large file is never held in memory twice (PyYAML's node graph of a 10 000-node tree is
    100 MB). Nothing is constructed from a tag.
    """

    def __init__(self, loader: Any, shown: str, findings: Findings) -> None:
        self.next = loader.get_event
        self.resolve = loader.resolve
        self.shown = shown
        self.findings = findings
        self.plain_tags: dict[str, str] = {}  # plain text → its tag: most values repeat (ids, true, dates)

    def document(self) -> Y:
        self.next()  # stream start
        event = self.next()
        if isinstance(event, yaml.StreamEndEvent):
            raise YamlProblem(Finding(Location(self.shown, 1, 1), "filen er tom"))
        root = self.value(self.next(), 0)
        self.next()  # document end
        event = self.next()
        if not isinstance(event, yaml.StreamEndEvent):
            where = Location(self.shown, event.start_mark.line + 1, event.start_mark.column + 1)
            raise YamlProblem(Finding(where, "filen har flere YAML-dokumenter (---); én fil skal ha ett dokument"))
        return root

    def refuse(self, event: Any, message: str) -> YScalar:
        mark = event.start_mark
        refused = YScalar("", _NULL, self.shown, mark.line + 1, mark.column + 1, refused=True)
        self.findings.add(refused.loc, message)
        return refused

    def value(self, event: Any, depth: int) -> Y:
        """The value that `event` begins; `depth` is the number of collections around it."""
        if isinstance(event, yaml.ScalarEvent):
            return self.scalar(event)
        if isinstance(event, yaml.AliasEvent):
            return self.refuse(event, _ALIAS)  # never followed: no "billion laughs"
        mark = event.start_mark
        if depth >= MAX_DEPTH:
            raise YamlProblem(Finding(Location(self.shown, mark.line + 1, mark.column + 1), _TOO_DEEP))
        is_map = isinstance(event, yaml.MappingStartEvent)
        tag = event.tag
        if tag in (None, "!"):  # what PyYAML's resolver gives a collection without a tag (no path resolvers)
            tag = _MAP if is_map else _SEQ
        built = self.mapping(mark, depth + 1) if is_map else self.sequence(mark, depth + 1)
        return (
            built if tag == (_MAP if is_map else _SEQ) else self.refuse(event, f"YAML-taggen «{tag}» er ikke tillatt")
        )

    def sequence(self, mark: Any, depth: int) -> YSeq:
        items: list[Y] = []
        while type(event := self.next()) is not yaml.SequenceEndEvent:
            items.append(self.scalar(event) if type(event) is yaml.ScalarEvent else self.value(event, depth))
        return YSeq(self.shown, mark.line + 1, mark.column + 1, items)

    def mapping(self, mark: Any, depth: int) -> YMap:
        result = YMap(self.shown, mark.line + 1, mark.column + 1)
        items = result.items
        while type(event := self.next()) is not yaml.MappingEndEvent:
            key = self.scalar(event) if type(event) is yaml.ScalarEvent else self.value(event, depth)
            event = self.next()
            value = self.scalar(event) if type(event) is yaml.ScalarEvent else self.value(event, depth)
            if not isinstance(key, YScalar):
                self.findings.add(key.loc, "en nøkkel må være en enkel tekst, ikke en liste eller tabell")
            elif key.refused:
                continue
            elif key.text in items:
                first = items[key.text][0].line
                self.findings.add(key.loc, f"nøkkelen «{key.text}» står to ganger (første gang på linje {first})")
            else:
                items[key.text] = (key, value)
        return result

    def scalar(self, event: Any) -> YScalar:
        tag, text, style = event.tag, event.value, event.style
        if tag is None or tag == "!":
            tag = self.plain_tags.get(text) if event.implicit[0] else _STR
            if tag is None:
                tag = self.plain_tags[text] = self.resolve(yaml.ScalarNode, text, (True, False))
        if tag == _STD + "merge":
            return self.refuse(event, _MERGE)
        if tag not in SCALAR_TAGS:
            return self.refuse(event, f"YAML-taggen «{tag}» er ikke tillatt")
        if style == '"' and (control := _CONTROL.search(text)):  # only an escape can make one (see _decode)
            return self.refuse(
                event,
                f"teksten inneholder kontrolltegnet U+{ord(control.group()):04X} "
                "(fra en escape som «\\e» eller «\\x1b»); fjern det",
            )
        mark = event.start_mark
        return YScalar(text, tag, self.shown, mark.line + 1, mark.column + 1, not style)


# --- typed access ---------------------------------------------------------------


class Reader:
    """Typed access to Y values; every problem becomes a finding in `findings`, never an exception."""

    def __init__(self, findings: Findings | None = None) -> None:
        self.findings = findings if findings is not None else Findings()
        # What a builder made of a text, for texts that recur in one load (wording: parsed conditions
        # and templates, which are immutable): one parse per distinct text.
        self.memo: dict[tuple[str, str], Any] = {}

    def add(self, loc: Location, message: str) -> None:
        self.findings.add(loc, message)

    def mapping(self, y: Y | None, what: str) -> YMap | None:
        if isinstance(y, YMap):
            return y
        if y is not None:
            self.add(y.loc, f"{what}: forventet en tabell (nøkkel: verdi), fant {_kind(y)}")
        return None

    def keys(self, m: YMap, allowed: tuple[str, ...], required: tuple[str, ...], what: str) -> None:
        items = m.items
        for key in items:
            if key not in allowed:
                guess = suggest(key, allowed) or f"; tillatt: {', '.join(allowed)}"
                self.add(items[key][0].loc, f"ukjent nøkkel «{key}» i {what}{guess}")
        for key in required:
            if key not in items:
                self.add(m.loc, f"{what} mangler «{key}»")

    def text(self, y: Y | None, what: str, *, required: bool = True) -> str | None:
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

    def ident(self, y: Y | None, what: str) -> str | None:
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
        if not ID_PATTERN.fullmatch(y.text):
            self.add(
                y.loc,
                f"{what} «{y.text}» er ikke en gyldig id; bruk små bokstaver a–z, sifre, - og _, "
                "og start med en bokstav",
            )
            return None
        return y.text

    def date(self, y: Y | None, what: str) -> dt.date | None:
        if y is None:
            return None
        if isinstance(y, YScalar):
            try:
                return dt.date.fromisoformat(y.text.strip())
            except ValueError:
                pass
        self.add(y.loc, f"{what}: forventet en dato ÅÅÅÅ-MM-DD, fant «{_short(y)}»")
        return None

    def texts(self, y: Y | None, what: str) -> tuple[str, ...]:
        if y is None:
            return ()
        if not isinstance(y, YSeq):
            self.add(y.loc, f"{what}: forventet en liste, fant {_kind(y)}")
            return ()
        items = (self.text(item, f"{what}, element") for item in y.items)
        return tuple(i for i in items if i is not None)

    def idents(self, y: Y | None, what: str) -> tuple[str, ...]:
        if y is None:
            return ()
        if not isinstance(y, YSeq):
            self.add(y.loc, f"{what}: forventet en liste av id-er, fant {_kind(y)}")
            return ()
        items = (self.ident(item, f"{what}, element") for item in y.items)
        return tuple(i for i in items if i is not None)


def _kind(y: Y | None) -> str:
    if isinstance(y, YMap):
        return "en tabell"
    if isinstance(y, YSeq):
        return "en liste"
    if isinstance(y, YScalar) and y.tag == _NULL:
        return "ingenting"
    return f"«{_short(y)}»"


def _short(y: Y | None) -> str:
    text = y.text if isinstance(y, YScalar) else _kind(y)
    return text if len(text) <= 40 else text[:37] + "…"


def get(m: YMap, key: str) -> Y | None:
    item = m.items.get(key)
    return item[1] if item else None


def key_loc(m: YMap, key: str) -> Location:
    item = m.items.get(key)
    return item[0].loc if item else m.loc
