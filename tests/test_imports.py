"""What each command imports, checked in a fresh interpreter (not timed; see benchmarks/run.py).

Start-up time is mostly import time: the prompt library is loaded only when a prompt is shown,
YAML only when a file is read, and rich only when something is drawn with it.
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import SKETCH

PROMPTS = {"questionary", "prompt_toolkit"}
WALK = [
    "run",
    "reserverte-kontrakter",
    "--trees",
    str(SKETCH),
    "--set",
    "tjenestetype=helse_sosial",
    "--set",
    "kontraktsverdi=40000000",
    "--set",
    "utbytteforbud=ja",
    "--non-interactive",
    "--json",
]
PROBE = """
import json, sys
from anskaffelse.cli import app
args = json.loads(sys.argv[1])
if args:
    try:
        app(args, prog_name="anskaffelse")
    except SystemExit:
        pass
print("MODULES", json.dumps(sorted(sys.modules)), file=sys.stderr)
"""


def loaded_by(args: list[str], **env: str) -> set[str]:
    """Top-level packages in sys.modules after importing the CLI and running `args` in-process."""
    return {name.split(".")[0] for name in probe(args, **env)[0]}


def probe(args: list[str], **env: str) -> tuple[set[str], str]:
    """(modules loaded, standard output) of running `args` in a fresh interpreter."""
    result = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(args)],
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
        env={**os.environ, **env},
    )
    lines = [line for line in result.stderr.splitlines() if line.startswith("MODULES ")]
    assert lines, result.stderr
    return set(json.loads(lines[-1].removeprefix("MODULES "))), result.stdout


@pytest.mark.parametrize(
    "args", [["validate", "--trees", str(SKETCH)], ["list", "--trees", str(SKETCH)]], ids=["validate", "list"]
)
def test_commands_that_never_prompt_load_no_prompt_library_nor_rich(args: list[str]) -> None:
    loaded = loaded_by(args)
    assert not loaded & PROMPTS
    assert "pydantic" not in loaded  # typer 0.29 would import it for every parameter
    assert "rich" not in loaded  # both print plain lines
    assert "yaml" in loaded  # they read the trees


@pytest.mark.parametrize(
    "args",
    [["validate", "--trees", str(SKETCH)], ["list", "--trees", str(SKETCH)], ["--help"], ["run", "--help"]],
    ids=["validate", "list", "help", "run-help"],
)
def test_jsonschema_is_loaded_only_by_a_command_that_reads_a_trace(args: list[str]) -> None:
    assert "jsonschema" not in loaded_by(args)


def test_reading_a_broken_trace_loads_jsonschema_for_the_messages(tmp_path: Path) -> None:
    saved = tmp_path / "t.json"
    modules, _ = probe([*WALK, "--trace", str(saved)])
    assert "jsonschema" not in {name.split(".")[0] for name in modules}  # writing one does not check it
    # A valid trace passes the fast check (schemacheck, tested against jsonschema in test_record.py) …
    assert "jsonschema" not in loaded_by(["export", str(saved)])
    broken = json.loads(saved.read_text(encoding="utf-8"))
    broken["complete"] = "ja"
    saved.write_text(json.dumps(broken), encoding="utf-8")
    # … and one it rejects is checked by jsonschema, whose errors become the messages.
    code = (
        "import sys\nfrom anskaffelse.errors import TraceError\nfrom anskaffelse.trace import read_trace\n"
        "try:\n    read_trace(sys.argv[1])\nexcept TraceError as e:\n    print(e.message)\n"
        "print('jsonschema' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", code, str(saved)], capture_output=True, text=True, timeout=120)
    assert result.stdout.splitlines() == [f"{saved}: complete: forventet true eller false, fant «ja»", "True"]


def test_a_non_interactive_json_walk_loads_neither_prompts_nor_rich() -> None:
    modules, out = probe(WALK)
    loaded = {name.split(".")[0] for name in modules}
    assert not loaded & PROMPTS
    assert "rich" not in loaded and "pydantic" not in loaded
    assert "jsonschema" not in loaded  # it reads no trace
    assert "yaml" in loaded  # it did read the trees
    assert json.loads(out)["outcome"]["node"] == "kan_reservere"  # and walked them to an outcome


SOURCE = Path(__file__).parents[1] / "src" / "anskaffelse"


def module_names(root: Path = SOURCE) -> dict[Path, str]:
    """Every module under `root`, subpackages too, named relative to it: «cli», «expr.syntax», «expr» for
    expr/__init__.py, and «__init__» for the package itself."""
    names = {}
    for path in sorted(root.rglob("*.py")):
        parts = path.relative_to(root).with_suffix("").parts
        if parts[-1] == "__init__" and len(parts) > 1:
            parts = parts[:-1]
        names[path] = ".".join(parts)
    return names


def imports_of(name: str, source: str, modules: set[str], *, is_package: bool = False) -> set[str]:
    """The modules in `modules` that module `name` (an __init__.py if `is_package`) imports, at the top or
    inside a function: relative imports (``from .x import``, ``from . import x``, ``from ..x import``) and
    absolute ones of anskaffelse."""
    is_package = is_package or name == "__init__"
    here = [] if name == "__init__" else name.split(".")
    home = here if is_package else here[:-1]

    def nearest(parts: list[str]) -> str | None:
        """The module `parts` names, or the package that holds it (for a name defined in an __init__)."""
        for end in range(len(parts), -1, -1):
            candidate = ".".join(parts[:end]) or "__init__"
            if candidate in modules:
                return candidate
        return None

    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "anskaffelse":
                    found.add(nearest(alias.name.split(".")[1:]) or "")
            continue
        if not isinstance(node, ast.ImportFrom):
            continue
        if node.level == 0:
            if not node.module or node.module.split(".")[0] != "anskaffelse":
                continue
            base = node.module.split(".")[1:]
        elif node.level - 1 > len(home):
            continue  # above the package: not ours
        else:
            base = home[: len(home) - (node.level - 1)] + (node.module.split(".") if node.module else [])
        for alias in node.names:
            submodule = ".".join([*base, alias.name])
            found.add(submodule if submodule in modules else nearest(base) or "")
    return found & modules - {name}


@pytest.mark.parametrize(
    ("name", "source", "expected"),
    [
        ("cli", "from . import norsk, __version__\nfrom .errors import UsageError", {"norsk", "__init__", "errors"}),
        ("expr.parser", "from .lexer import _lex\nfrom . import syntax", {"expr.lexer", "expr.syntax"}),
        ("expr.values", "from ..values import format_amount\nfrom .. import model", {"values", "model"}),
        ("expr.values", "from anskaffelse.values import format_amount", {"values"}),
        ("expr", "from .parser import parse\nfrom . import syntax", {"expr.parser", "expr.syntax"}),
        ("expr.lexer", "from . import MAX_LENGTH", {"expr"}),
        ("cli", "def f():\n    from .expr.syntax import Num\n    import anskaffelse.cpv", {"expr.syntax", "cpv"}),
        ("cli", "from ...elsewhere import x\nimport json\nfrom typing import Any", set()),
    ],
)
def test_the_import_graph_resolves_relative_and_subpackage_imports(name: str, source: str, expected: set[str]) -> None:
    modules = {"__init__", "cli", "norsk", "errors", "values", "model", "cpv", "expr", "expr.lexer", "expr.parser"}
    modules |= {"expr.syntax", "expr.values"}
    assert imports_of(name, source, modules, is_package=name == "expr") == expected


def test_no_import_cycles_between_modules_even_through_lazy_imports() -> None:
    """Dependencies point one way (files → model → checks → walk → trace → text → cli); a cycle would hide a layer.

    Subpackages count: expr.lexer → expr.values is an edge, and so is an __init__ that re-exports a module."""
    names = module_names()
    modules = set(names.values())
    graph = {
        name: imports_of(name, path.read_text(encoding="utf-8"), modules, is_package=path.name == "__init__.py")
        for path, name in names.items()
    }
    assert {"expr.syntax", "expr.values"} <= graph["expr.parser"]  # the walk sees subpackages
    cycles: list[list[str]] = []
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(name: str) -> None:
        state[name] = 1
        stack.append(name)
        for other in sorted(graph[name]):
            if state.get(other) == 1:
                cycles.append([*stack[stack.index(other) :], other])
            elif other not in state:
                visit(other)
        stack.pop()
        state[name] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name)
    assert cycles == [], " ; ".join(" → ".join(c) for c in cycles)


def test_the_house_stays_small_modules_under_450_lines_cli_under_350_functions_under_60() -> None:
    """Every module, in subpackages too, at most 450 lines (cli.py 350); every function at most 60."""
    too_long: list[str] = []
    for path in sorted(SOURCE.rglob("*.py")):
        shown = path.relative_to(SOURCE).as_posix()
        text = path.read_text(encoding="utf-8")
        limit = 350 if shown == "cli.py" else 450
        if len(text.splitlines()) > limit:
            too_long.append(f"{shown}: {len(text.splitlines())} lines (limit {limit})")
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                if length > 60:
                    too_long.append(f"{shown}:{node.lineno} {node.name}: {length} lines")
    assert too_long == [], "\n".join(too_long)
