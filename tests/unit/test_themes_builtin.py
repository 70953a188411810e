"""stackview's own themes: they all load, make valid Textual themes, and keep their text legible."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.app import App, ComposeResult
from textual.color import Color
from textual.widgets import Static

import stackview
from stackview.config import read_yaml
from stackview.themes import builtin_themes_dir, effective_variables, load_themes, theme_files
from stackview.widgets.styles import VARIABLE_SOURCES, variable_defaults

BUILTIN = ("stackview-dark", "stackview-light", "stackview-high-contrast", "red-alert")
REQUIRED_FIELDS = ("primary", "secondary", "accent", "foreground", "background", "surface", "panel",
                   "success", "warning", "error", "dark")
STATUS = ("sv-status-complete", "sv-status-in-progress", "sv-status-failed", "sv-status-rollback")


def contrast(foreground: Color, background: Color) -> float:
    """WCAG 2 contrast ratio."""

    def luminance(color: Color) -> float:
        def channel(value: int) -> float:
            value = value / 255
            return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

        return 0.2126 * channel(color.r) + 0.7152 * channel(color.g) + 0.0722 * channel(color.b)

    high, low = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.fixture(scope="module")
def catalog():
    return load_themes(builtin_themes_dir(), Path("/nonexistent/stackview-themes"))


def test_builtin_directory_in_a_checkout_is_the_top_level_themes():
    assert builtin_themes_dir() == Path(stackview.__file__).resolve().parent.parent / "themes"


def test_installed_package_data_is_preferred(tmp_path):
    package = tmp_path / "site-packages" / "stackview"
    (package / "builtin_themes").mkdir(parents=True)
    assert builtin_themes_dir(package) == package / "builtin_themes"
    assert builtin_themes_dir(tmp_path / "checkout" / "stackview") == tmp_path / "checkout" / "themes"


def test_every_builtin_theme_loads_without_problems(catalog):
    assert catalog.problems == []
    assert set(BUILTIN) <= set(catalog.themes)
    for name in BUILTIN:
        assert catalog.files[name].stem == name  # file named after its theme


@pytest.mark.parametrize("path", theme_files(builtin_themes_dir()), ids=lambda p: p.name)
def test_each_file_sets_every_textual_field_explicitly(path):
    data, problems = read_yaml(path)
    assert problems == []
    assert [field for field in REQUIRED_FIELDS if field not in data] == []


@pytest.mark.parametrize("name", BUILTIN)
def test_builtin_themes_make_valid_textual_themes(catalog, name):
    theme = catalog.themes[name]
    generated = theme.to_color_system().generate()
    assert generated["background"].lower() == theme.background.lower()
    variables = effective_variables(theme)
    assert set(VARIABLE_SOURCES) <= set(variables)
    for variable in VARIABLE_SOURCES:
        Color.parse(variables[variable])
    assert theme.dark is (name != "stackview-light")


@pytest.mark.parametrize("name", BUILTIN)
def test_text_colours_are_legible_on_every_background(catalog, name):
    """WCAG AA (4.5:1) for every stackview colour on background, surface and panel; AAA (7:1)
    for the high-contrast theme."""
    minimum = 7.0 if name == "stackview-high-contrast" else 4.5
    variables = effective_variables(catalog.themes[name])
    failures = []
    for ground in ("background", "surface", "panel"):
        base = Color.parse(variables[ground])
        for variable in ["foreground", *VARIABLE_SOURCES]:
            color = Color.parse(variables[variable])
            if color.a < 1:
                color = base.blend(color, color.a).with_alpha(1)
            ratio = contrast(color, base)
            if ratio < minimum:
                failures.append(f"{variable} on {ground}: {ratio:.2f}")
    assert failures == []


@pytest.mark.parametrize("name", BUILTIN)
def test_status_families_have_distinct_colours(catalog, name):
    variables = effective_variables(catalog.themes[name])
    colours = [Color.parse(variables[variable]).hex.lower() for variable in STATUS]
    assert len(set(colours)) == len(STATUS)


def test_red_alert_is_red(catalog):
    hue = Color.parse(catalog.themes["red-alert"].primary).hsl.h
    assert hue < 0.05 or hue > 0.92


class ThemedApp(App):
    def compose(self) -> ComposeResult:
        yield Static("themed")

    def get_theme_variable_defaults(self) -> dict[str, str]:  # as StackviewApp does
        return variable_defaults(self.current_theme.to_color_system().generate())


async def test_registered_themes_apply_in_an_app(catalog):
    app = ThemedApp()
    async with app.run_test() as pilot:
        catalog.register(app)
        for name in BUILTIN:
            app.theme = name
            await pilot.pause()
            theme = catalog.themes[name]
            assert app.current_theme is theme
            assert app.theme_variables["background"].lower() == theme.background.lower()
            for variable, value in theme.variables.items():
                assert app.theme_variables[variable] == value
        app.theme = "nord"  # Textual's own themes stay selectable
        await pilot.pause()
        assert app.current_theme.name == "nord"
        assert app.theme_variables["sv-status-failed"] == app.theme_variables["error"]
