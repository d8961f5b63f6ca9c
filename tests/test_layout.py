"""The layout docs/architecture.md describes: no module of bot/ imports one that imports it back
(not even inside a function or for a type hint), and nothing on a message's path imports the
maintainers' tools."""

from __future__ import annotations

import ast
from pathlib import Path

from bot import PROJECT_ROOT

BOT = PROJECT_ROOT / "bot"


def _module(path: Path) -> str:
    parts = path.relative_to(PROJECT_ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path, modules: set[str]) -> set[str]:
    """The bot modules a module imports: at load, inside a function, or for type hints alike."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        names: list[str] = []
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
        elif isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        found |= {n for n in names if n in modules}
    return found


def _graph() -> dict[str, set[str]]:
    paths = {_module(p): p for p in BOT.rglob("*.py") if "migrations" not in p.parts}
    return {name: _imports(path, set(paths)) - {name} for name, path in paths.items()}


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return None


def test_no_module_imports_one_that_imports_it_back():
    graph = _graph()
    # A package's __init__ re-exporting its modules is not a cycle of the code.
    for name in list(graph):
        graph[name] = {m for m in graph[name] if not name.startswith(m + ".")}
    assert _cycle(graph) is None


def test_the_message_path_never_imports_the_maintainers_tools():
    graph = _graph()
    path = [m for m in graph if m.startswith(("bot.core", "bot.channels", "bot.dialogue", "bot.checkers"))]
    assert path, "the layout moved: update this test and docs/architecture.md"
    assert {m: sorted(d) for m in path if (d := {x for x in graph[m] if x.startswith("bot.tools")})} == {}
