"""Safe YAML reading with positions: the only module that imports yaml.

PyYAML is used only to *compose* a node graph; nothing is ever constructed from a
tag, so no object of a file's choosing can be built. Duplicate keys, aliases and
non-standard tags are refused here, with the position of the offence.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

import yaml

from .model import Location

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_DEPTH = 64
_STD = "tag:yaml.org,2002:"
SCALAR_TAGS = {_STD + t for t in ("str", "int", "float", "bool", "null", "timestamp")}
_Loader: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class Finding:
    """One problem in a file, at a position."""

    loc: Location
    message: str
    warning: bool = False

    def __str__(self) -> str:
        level = "advarsel: " if self.warning else ""
        return f"{self.loc}: {level}{self.message}"


class YamlProblem(Exception):
    """The file cannot be read as YAML at all; carries one finding."""

    def __init__(self, finding: Finding) -> None:
        super().__init__(str(finding))
        self.finding = finding


@dataclass(frozen=True)
class YScalar:
    text: str
    tag: str
    loc: Location
    plain: bool  # written without quotes: YAML may have read it as a bool, number or date


@dataclass
class YMap:
    loc: Location
    items: dict[str, tuple[YScalar, Y]] = field(default_factory=dict)


@dataclass
class YSeq:
    loc: Location
    items: list[Y] = field(default_factory=list)


Y = YScalar | YMap | YSeq


def display_path(path: str | os.PathLike[str]) -> str:
    """A path as a user should see it: relative to the working directory when inside it."""
    text = os.fspath(path)
    try:
        rel = os.path.relpath(text)
    except ValueError:
        return text
    return text if rel.startswith("..") else rel


def read_bytes(path: str | os.PathLike[str], shown: str) -> bytes:
    """Read a file, refusing directories and files over MAX_FILE_BYTES before reading them."""
    loc = Location(shown)
    try:
        if os.path.isdir(path):
            raise YamlProblem(Finding(loc, "er en mappe, ikke en fil"))
        size = os.path.getsize(path)
        if size > MAX_FILE_BYTES:
            raise YamlProblem(Finding(loc, f"filen er for stor ({size // 1024 // 1024} MB; grensen er 5 MB)"))
        with open(path, "rb") as handle:
            return handle.read(MAX_FILE_BYTES + 1)
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
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise YamlProblem(
            Finding(Location(shown, line, 1), "filen er ikke gyldig UTF-8; lagre den som UTF-8")
        ) from None
    if "\x00" in text:
        raise YamlProblem(Finding(Location(shown, 1, 1), "filen inneholder NUL-tegn; er det en binærfil?"))
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        raise YamlProblem(_yaml_finding(exc, shown)) from None
    except yaml.YAMLError as exc:
        raise YamlProblem(Finding(Location(shown, 1, 1), f"ugyldig YAML ({exc})")) from None
    except RecursionError:
        raise YamlProblem(Finding(Location(shown, 1, 1), "for dyp nøsting i YAML-filen")) from None
    if node is None:
        raise YamlProblem(Finding(Location(shown, 1, 1), "filen er tom"))
    converter = _Converter(shown)
    return converter.convert(node, 0), converter.findings


def _yaml_finding(exc: yaml.MarkedYAMLError, shown: str) -> Finding:
    mark = exc.problem_mark or exc.context_mark
    loc = Location(shown, mark.line + 1, mark.column + 1) if mark else Location(shown)
    problem = (exc.problem or "").strip()
    if "'\\t'" in problem or "\t" in problem:
        return Finding(loc, "tabulator i innrykk; YAML krever mellomrom")
    if "expected a single document" in problem or "but found another document" in problem:
        return Finding(loc, "filen har flere YAML-dokumenter (---); én fil skal ha ett dokument")
    context = f"{exc.context}; " if exc.context else ""
    return Finding(loc, f"ugyldig YAML: {context}{problem}")


class _Converter:
    def __init__(self, shown: str) -> None:
        self.shown = shown
        self.seen: set[int] = set()
        self.findings: list[Finding] = []

    def loc(self, node: yaml.Node) -> Location:
        mark = node.start_mark
        return Location(self.shown, mark.line + 1, mark.column + 1)

    def fail(self, node: yaml.Node, message: str) -> YamlProblem:
        return YamlProblem(Finding(self.loc(node), message))

    def note(self, node: yaml.Node, message: str) -> YScalar:
        """Record a finding and stand in an empty scalar for the refused node."""
        self.findings.append(Finding(self.loc(node), message))
        return YScalar("", _STD + "null", self.loc(node), True)

    def convert(self, node: yaml.Node, depth: int) -> Y:
        if depth > MAX_DEPTH:
            raise self.fail(node, f"for dyp nøsting (mer enn {MAX_DEPTH} nivåer)")
        if id(node) in self.seen:
            # An alias is the same node object again; refusing it keeps "billion laughs" bounded.
            return self.note(node, "ankere og aliaser (&navn / *navn) er ikke tillatt i disse filene")
        self.seen.add(id(node))
        if isinstance(node, yaml.ScalarNode):
            if node.tag not in SCALAR_TAGS:
                return self.note(node, f"YAML-taggen «{node.tag}» er ikke tillatt")
            return YScalar(str(node.value), node.tag, self.loc(node), not node.style)
        if isinstance(node, yaml.SequenceNode):
            if node.tag != _STD + "seq":
                return self.note(node, f"YAML-taggen «{node.tag}» er ikke tillatt")
            return YSeq(self.loc(node), [self.convert(item, depth + 1) for item in node.value])
        if isinstance(node, yaml.MappingNode):
            if node.tag != _STD + "map":
                return self.note(node, f"YAML-taggen «{node.tag}» er ikke tillatt")
            return self.mapping(node, depth)
        return self.note(node, "ukjent YAML-node")

    def mapping(self, node: yaml.MappingNode, depth: int) -> YMap:
        result = YMap(self.loc(node))
        for key_node, value_node in node.value:
            if key_node.tag == _STD + "merge":
                self.note(key_node, "sammenslåingsnøkler («<<») er ikke tillatt")
                continue
            key = self.convert(key_node, depth + 1)
            if not isinstance(key, YScalar):
                self.note(key_node, "en nøkkel må være en enkel tekst, ikke en liste eller tabell")
                continue
            if key.text in result.items:
                first = result.items[key.text][0].loc
                # PyYAML would silently keep the last value; a lawyer's edit must not vanish.
                self.note(key_node, f"nøkkelen «{key.text}» står to ganger (første gang på linje {first.line})")
                continue
            result.items[key.text] = (key, self.convert(value_node, depth + 1))
        return result
