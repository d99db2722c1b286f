"""No module over 800 lines (docs/architecture.md): a module that grows past it holds two
things, and is split along them before it grows further."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LIMIT = 800


def test_no_module_is_over_800_lines():
    sizes = {
        path.relative_to(ROOT).as_posix(): len(path.read_text(encoding="utf-8").splitlines())
        for folder in ("giaoban", "tests", "benchmarks")
        for path in (ROOT / folder).rglob("*.py")
        if "migrations" not in path.parts
    }
    assert len(sizes) > 100  # the walk found the code
    assert {name: n for name, n in sizes.items() if n > LIMIT} == {}
