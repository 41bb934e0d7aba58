"""Safe YAML reading with positions: the only module that imports yaml.

PyYAML is used only to *compose* a node graph; nothing is ever constructed from a
tag, so no object of a file's choosing can be built. Duplicate keys, aliases and
non-standard tags are refused here, with the position of the offence.
"""

from __future__ import annotations

import os
import re
import stat
from typing import Any

import yaml

from .model import MAX_FILE_BYTES, MAX_FINDINGS, Finding, Location

MAX_DEPTH = 64
_STD = "tag:yaml.org,2002:"
SCALAR_TAGS = frozenset(_STD + t for t in ("str", "int", "float", "bool", "null", "timestamp"))
_STR, _MAP, _SEQ = _STD + "str", _STD + "map", _STD + "seq"
_Loader: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class YamlProblem(Exception):
    """The file cannot be read (on); `finding` says why, `findings` also has those found before it."""

    def __init__(self, finding: Finding, findings: list[Finding] | None = None) -> None:
        super().__init__(str(finding))
        self.finding = finding
        self.findings = findings or [finding]


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
    __slots__ = ("plain", "tag", "text")
    refused = False  # see _Refused; a class attribute, so making one of the many scalars stays cheap

    def __init__(self, text: str, tag: str, file: str, line: int, col: int, plain: bool) -> None:
        self.file = file  # set here, not via super(): there is one of these per scalar in the file
        self.line = line
        self.col = col
        self.text = text
        self.tag = tag
        self.plain = plain  # written without quotes: YAML may have read it as a bool, number or date


class _Refused(YScalar):
    """Stands in (as an empty null) for an alias or a node with a foreign tag that was refused."""

    __slots__ = ()
    refused = True


class YMap(_Placed):
    __slots__ = ("items",)

    def __init__(self, file: str, line: int, col: int) -> None:
        super().__init__(file, line, col)
        self.items: dict[str, tuple[YScalar, Y]] = {}


class YSeq(_Placed):
    __slots__ = ("items",)

    def __init__(self, file: str, line: int, col: int) -> None:
        super().__init__(file, line, col)
        self.items: list[Y] = []


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
        size = os.path.getsize(path)
        if size > MAX_FILE_BYTES:
            raise YamlProblem(Finding(loc, f"filen er for stor ({size // 1024 // 1024} MB; grensen er 5 MB)"))
        with open(path, "rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
        if len(data) > MAX_FILE_BYTES:  # a device or a file that grew while it was read
            raise YamlProblem(Finding(loc, "filen er for stor (grensen er 5 MB)"))
        return data
    except FileNotFoundError:
        raise YamlProblem(Finding(loc, "filen finnes ikke")) from None
    except PermissionError:
        raise YamlProblem(Finding(loc, "mangler lesetilgang til filen")) from None
    except OSError as exc:
        raise YamlProblem(Finding(loc, f"kan ikke lese filen ({exc.strerror})")) from None


def parse(data: bytes, shown: str) -> tuple[Y, list[Finding]]:
    """Bytes of one YAML document → (Y, findings), or YamlProblem when nothing can be read.

    Duplicate keys, aliases and foreign tags are findings: the rest of the file is still read,
    so that `validate` can report every problem at once.
    """
    text = _decode(data, shown)
    loader = _Loader(text)
    try:
        return _Builder(loader, shown).document()
    except yaml.MarkedYAMLError as exc:
        raise YamlProblem(_yaml_finding(exc, text, shown)) from None
    except yaml.YAMLError as exc:
        raise YamlProblem(Finding(Location(shown, 1, 1), f"ugyldig YAML ({exc})")) from None
    finally:
        loader.dispose()


def _decode(data: bytes, shown: str) -> str:
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
    bad = _NON_PRINTABLE.search(text)
    if bad:
        line = text.count("\n", 0, bad.start()) + 1
        col = bad.start() - (text.rfind("\n", 0, bad.start()) + 1) + 1
        char = bad.group()
        message = (
            "filen inneholder NUL-tegn; er det en binærfil?"
            if char == "\x00"
            else f"tegnet U+{ord(char):04X} er ikke tillatt i YAML (et kontrolltegn eller usynlig tegn); fjern det"
        )
        raise YamlProblem(Finding(Location(shown, line, col), message))
    return text


# What YAML does not allow in a file: C0 and C1 controls but tab, line breaks and NEL, DEL,
# surrogates and U+FFFE/U+FFFF. (Written as the characters refused, not as the complement of
# those allowed: the same set, checked for every code point, but ten times quicker to compile.)
_NON_PRINTABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]")
# Escapes in quoted text ("\e", "\x1b", "\u009b") can still produce these; a terminal would obey them.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
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


class _Builder:
    """Builds Y values straight from parser events, by recursive descent (depth is capped at
    MAX_DEPTH): nothing is constructed, and aliases are never followed. This is the hot loop of
    every load, so the common case (a scalar in a mapping) takes the fewest steps."""

    def __init__(self, loader: Any, shown: str) -> None:
        self.loader = loader
        self.get_event = loader.get_event
        self.shown = shown
        self.findings: list[Finding] = []
        self.plain_tags: dict[str, str] = {}  # plain text → resolved tag: most scalars repeat

    def loc(self, mark: Any) -> Location:
        return Location(self.shown, mark.line + 1, mark.column + 1)

    def report(self, finding: Finding) -> None:
        if len(self.findings) >= MAX_FINDINGS:
            # A file of a million aliases must not become a million messages (nor a gigabyte of them).
            stop = Finding(finding.loc, f"over {MAX_FINDINGS} feil i filen; lesingen stopper her – rett feilene over")
            raise YamlProblem(stop, [*self.findings, stop])
        self.findings.append(finding)

    def note(self, mark: Any, message: str) -> YScalar:
        """Record a finding and stand in an empty scalar for the refused node."""
        self.report(Finding(self.loc(mark), message))
        return _Refused("", _STD + "null", self.shown, mark.line + 1, mark.column + 1, True)

    def document(self) -> tuple[Y, list[Finding]]:
        loader = self.loader
        loader.get_event()  # stream start
        if loader.check_event(yaml.StreamEndEvent):
            raise YamlProblem(Finding(Location(self.shown, 1, 1), "filen er tom"))
        loader.get_event()  # document start
        root = self.value(loader.get_event(), 0)
        loader.get_event()  # document end
        if not loader.check_event(yaml.StreamEndEvent):
            event = loader.get_event()
            raise YamlProblem(
                Finding(
                    self.loc(event.start_mark), "filen har flere YAML-dokumenter (---); én fil skal ha ett dokument"
                )
            )
        return root, self.findings

    def scalar(self, event: Any) -> YScalar:
        tag = event.tag
        text = event.value
        if tag is None or tag == "!":
            if event.implicit[0]:  # plain: YAML reads it as a bool, number, date … by its text
                tag = self.plain_tags.get(text)
                if tag is None:
                    tag = self.plain_tags[text] = self.loader.resolve(yaml.ScalarNode, text, (True, False))
            else:
                tag = _STR
        style = event.style
        if style == '"':  # only an escape in double quotes can make a control character (see _decode)
            control = _CONTROL.search(text)
            if control:
                return self.note(
                    event.start_mark,
                    f"teksten inneholder kontrolltegnet U+{ord(control.group()):04X} "
                    "(fra en escape som «\\e» eller «\\x1b»); fjern det",
                )
        if tag in SCALAR_TAGS:
            mark = event.start_mark
            return YScalar(text, tag, self.shown, mark.line + 1, mark.column + 1, not style)
        if tag == _STD + "merge":
            return self.note(event.start_mark, _MERGE)
        return self.note(event.start_mark, f"YAML-taggen «{tag}» er ikke tillatt")

    def value(self, event: Any, depth: int) -> Y:
        """The value that `event` begins; `depth` is the number of mappings and sequences around it."""
        kind = type(event)
        if kind is yaml.ScalarEvent:
            return self.scalar(event)
        if kind is yaml.AliasEvent:
            # Refused where it stands: "billion laughs" is never expanded, not even once.
            return self.note(event.start_mark, _ALIAS)
        if depth >= MAX_DEPTH:
            raise YamlProblem(Finding(self.loc(event.start_mark), f"for dyp nøsting (mer enn {MAX_DEPTH} nivåer)"))
        is_map = kind is yaml.MappingStartEvent
        tag = event.tag
        if tag is None or tag == "!":
            tag = self.loader.resolve(yaml.MappingNode if is_map else yaml.SequenceNode, None, event.implicit)
        node = self.mapping(event, depth + 1) if is_map else self.sequence(event, depth + 1)
        if tag != (_MAP if is_map else _SEQ):
            return self.note(event.start_mark, f"YAML-taggen «{tag}» er ikke tillatt")
        return node

    def mapping(self, start: Any, depth: int) -> YMap:
        mark = start.start_mark
        node = YMap(self.shown, mark.line + 1, mark.column + 1)
        items = node.items
        get_event, scalar, scalar_event, end = self.get_event, self.scalar, yaml.ScalarEvent, yaml.MappingEndEvent
        key: Y
        while True:
            event = get_event()
            kind = type(event)
            if kind is scalar_event:
                key = scalar(event)
            elif kind is end:
                return node
            else:
                key = self.value(event, depth)
            event = get_event()
            value = scalar(event) if type(event) is scalar_event else self.value(event, depth)
            if type(key) is YScalar and key.text not in items:  # the common case
                items[key.text] = (key, value)
                continue
            checked = self.key(node, key)
            if checked is not None:
                items[checked.text] = (checked, value)

    def sequence(self, start: Any, depth: int) -> YSeq:
        mark = start.start_mark
        node = YSeq(self.shown, mark.line + 1, mark.column + 1)
        items = node.items
        get_event, scalar, scalar_event, end = self.get_event, self.scalar, yaml.ScalarEvent, yaml.SequenceEndEvent
        while True:
            event = get_event()
            kind = type(event)
            if kind is scalar_event:
                items.append(scalar(event))
            elif kind is end:
                return node
            else:
                items.append(self.value(event, depth))

    def key(self, node: YMap, key: Y) -> YScalar | None:
        """The key of a mapping entry, or None when the entry is to be left out."""
        if not isinstance(key, YScalar):
            self.report(Finding(key.loc, "en nøkkel må være en enkel tekst, ikke en liste eller tabell"))
            return None
        if key.refused:
            return None
        if key.text in node.items:
            first = node.items[key.text][0].loc
            # PyYAML would silently keep the last value; a lawyer's edit must not vanish.
            self.report(Finding(key.loc, f"nøkkelen «{key.text}» står to ganger (første gang på linje {first.line})"))
            return None
        return key
