"""The layout of a feature's views/ package: its __init__ is the URL table, which imports the
view modules; they never import it back, and import one another one way only (issue 19)."""

import ast
from pathlib import Path

import pytest

CAMPAIGN = Path(__file__).resolve().parents[2] / "campaign"
VIEW_PACKAGES = sorted(path.parent.parent.name for path in CAMPAIGN.glob("*/views/__init__.py"))


def view_modules(feature: str) -> dict[str, Path]:
    return {
        path.stem: path for path in (CAMPAIGN / feature / "views").glob("*.py") if path.stem != "__init__"
    }


def imported(path: Path, package: str) -> set[str]:
    """Every module `path` imports, anywhere in it, by full name; `from a import b` counts as
    importing a and, when b is a module, a.b."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            # A relative import is resolved from the module's own package (views/).
            base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1])
            module = node.module if not node.level else ".".join(filter(None, (base, node.module)))
            names.add(module)
            names.update(f"{module}.{alias.name}" for alias in node.names)
    return names


def sibling_imports(path: Path, package: str, modules: dict[str, Path]) -> set[str]:
    names = imported(path, package)
    return {
        other
        for other in modules
        if other != path.stem
        and any(n == f"{package}.{other}" or n.startswith(f"{package}.{other}.") for n in names)
    }


def test_the_features_with_many_pages_have_a_views_package():
    assert {"petitions", "letters", "actions"} <= set(VIEW_PACKAGES)


@pytest.mark.parametrize("feature", VIEW_PACKAGES)
def test_no_view_module_imports_the_url_table_that_imports_it(feature):
    package = f"campaign.{feature}.views"
    for path in view_modules(feature).values():
        names = imported(path, package)
        # `from campaign.<feature>.views.public import x` names a sibling; anything that names
        # the package itself (or `bp`, `organizer`... through it) reads the URL table.
        assert package not in names, f"{path} imports {package}"


@pytest.mark.parametrize("feature", VIEW_PACKAGES)
def test_view_modules_import_one_another_one_way(feature):
    package = f"campaign.{feature}.views"
    modules = view_modules(feature)
    siblings = {name: sibling_imports(path, package, modules) for name, path in modules.items()}
    assert "organizer" not in siblings.get("public", set()), (
        "the public pages must not import the organizer's"
    )
    # No cycle: peel off the modules that import no remaining sibling until none are left.
    left = dict(siblings)
    while left:
        leaves = {name for name, needs in left.items() if not needs & left.keys()}
        assert leaves, f"these view modules import one another in a cycle: {sorted(left)}"
        left = {name: needs for name, needs in left.items() if name not in leaves}


@pytest.mark.parametrize("feature", VIEW_PACKAGES)
def test_every_page_of_the_blueprint_is_a_function_of_one_of_its_view_modules(app, feature):
    package = f"campaign.{feature}.views"
    served = set()
    for rule in app.url_map.iter_rules():
        if rule.endpoint.split(".")[0] == feature:
            module = app.view_functions[rule.endpoint].__module__
            assert module.startswith(f"{package}."), f"{rule.rule} is served from {module}"
            served.add(module.removeprefix(f"{package}."))
    assert served == set(view_modules(feature)), "a view module none of whose pages has a URL"
