"""The layer contract of pyproject.toml holds, and would catch an upward import."""

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _root_packages() -> list[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    packages: list[str] = config["tool"]["importlinter"]["root_packages"]
    return packages


def _lint_imports(cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"], cwd=cwd, capture_output=True, text=True, check=False
    )


@pytest.fixture
def project_copy(tmp_path: Path) -> Path:
    """The apps' sources and the contract, copied where a test may break them."""
    for package in _root_packages():
        shutil.copytree(
            ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__")
        )
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def test_the_project_keeps_its_layers() -> None:
    result = _lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 1 kept, 0 broken." in result.stdout


def test_a_lazy_upward_import_breaks_the_contract(project_copy: Path) -> None:
    assert _lint_imports(project_copy).returncode == 0
    (project_copy / "accounts" / "upward.py").write_text(
        "def reach_up() -> None:\n    from chat import models  # noqa: F401\n"
    )
    result = _lint_imports(project_copy)
    assert result.returncode != 0
    assert "accounts is not allowed to import chat" in result.stdout


def test_every_app_is_in_the_contract() -> None:
    """A new app outside the contract would be checked by nothing."""
    apps = {
        path.parent.name
        for path in ROOT.glob("*/apps.py")
        if (path.parent / "__init__.py").exists()
    }
    assert apps <= set(_root_packages())


def _import_cycles(packages: list[str]) -> list[list[str]]:
    """The groups of modules that import each other in a circle (lazy imports included);
    migrations are history and left out."""
    import grimp  # import-linter's own graph of the project's imports

    graph = grimp.build_graph(*packages, cache_dir=None)
    modules = {module for module in graph.modules if ".migrations" not in module}
    cycles: list[list[str]] = []
    index: dict[str, int] = {}
    lowest: dict[str, int] = {}
    stack: list[str] = []

    def visit(module: str) -> None:  # Tarjan's strongly connected components
        index[module] = lowest[module] = len(index)
        stack.append(module)
        for imported in graph.find_modules_directly_imported_by(module) & modules:
            if imported not in index:
                visit(imported)
                lowest[module] = min(lowest[module], lowest[imported])
            elif imported in stack:
                lowest[module] = min(lowest[module], index[imported])
        if lowest[module] == index[module]:
            group = stack[stack.index(module) :]
            del stack[stack.index(module) :]
            if len(group) > 1:
                cycles.append(sorted(group))

    for module in sorted(modules):
        if module not in index:
            visit(module)
    return cycles


def test_no_module_imports_itself_through_others(
    project_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.syspath_prepend(str(ROOT))
    assert _import_cycles(_root_packages()) == []
    # The check sees a circle made of lazy imports, as the one scheduling had.
    monkeypatch.syspath_prepend(str(project_copy))
    for module in list(sys.modules):
        if module.split(".")[0] in _root_packages():
            monkeypatch.delitem(sys.modules, module)
    (project_copy / "chat" / "circle_a.py").write_text(
        "def one() -> None:\n    from chat import circle_b  # noqa: F401\n"
    )
    (project_copy / "chat" / "circle_b.py").write_text("from chat import circle_a  # noqa: F401\n")
    assert _import_cycles(_root_packages()) == [["chat.circle_a", "chat.circle_b"]]
