from rich.console import Console

from stackview.widgets.literal import literal_text, neutralize


def render(text) -> str:
    console = Console(width=200, color_system="truecolor", force_terminal=True)
    with console.capture() as capture:
        console.print(text)
    return capture.get()


def test_markup_is_not_interpreted() -> None:
    text = literal_text("[bold]not bold[/bold] [link=http://x]y[/link]")
    assert text.plain == "[bold]not bold[/bold] [link=http://x]y[/link]"
    assert text.spans == []


def test_escape_sequences_never_reach_the_terminal() -> None:
    hostile = "red \x1b[31mtext\x1b[0m \x1b]0;title\x07 \x9b2J bell\x07 back\x08"
    output = render(literal_text(hostile))
    # The only escapes in the output are the ones Rich itself writes for styles (none here but reset).
    assert "\x1b[31m" not in output and "\x1b]0;" not in output and "\x07" not in output
    assert "\x9b" not in output and "\x08" not in output
    assert "␛[31mtext␛[0m" in neutralize(hostile)
    assert "\\x9b2J" in neutralize(hostile)


def test_newlines_and_tabs() -> None:
    assert neutralize("a\nb") == "a␊b"
    assert neutralize("a\nb", keep_newlines=True) == "a\nb"
    assert neutralize("a\tb") == "a    b"
    assert neutralize("a\r\nb", keep_newlines=True) == "a␍\nb"


def test_non_strings_are_shown_by_their_text() -> None:
    assert neutralize(42) == "42"
    assert neutralize("unicode ünïcödé 日本") == "unicode ünïcödé 日本"
