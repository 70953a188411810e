import pytest

from stackview.navigation import Jump, JumpError, best_matches, complete, parse
from stackview.screens.registry import Registry

COMMANDS = Registry().commands


def names(**pools):
    return {"stacks": [], "functions": [], "regions": [], "profiles": [], "themes": [], **pools}

STACKS = ["orders-api", "orders-api-shared", "image-thumbnails", "reports"]
FUNCTIONS = ["orders-api-CreateOrder", "orders-api-QueueWorker", "image-thumbnails-ConvertFile"]


def test_best_matches_ranks_exact_prefix_substring_subsequence() -> None:
    names = ["reports", "orders-api", "api-orders", "o-r-d-e-r-s"]
    assert best_matches("orders", names) == ["orders-api", "api-orders", "o-r-d-e-r-s"]
    assert best_matches("ORDERS-API", names) == ["orders-api"]
    assert best_matches("zzz", names) == []


@pytest.mark.parametrize(
    ("text", "jump"),
    [
        (":stacks", Jump("stacks")),
        ("stacks", Jump("stacks")),
        (":q", Jump("quit")),
        (":stack thumb", Jump("stack", "image-thumbnails")),
        (":orders-api", Jump("stack", "orders-api")),
        (":fn convert", Jump("function", "image-thumbnails-ConvertFile")),
        (":fn queuew", Jump("function", "orders-api-QueueWorker")),
        (":logs", Jump("logs")),
        (":logs reports", Jump("logs", "reports")),
        (":logs createorder", Jump("logs", "orders-api-CreateOrder")),
        (":region eu-west-1", Jump("region", "eu-west-1")),
        (":profile prod", Jump("profile", "prod")),
    ],
)
def test_parse(text: str, jump: Jump) -> None:
    assert parse(text, COMMANDS, names(stacks=STACKS, functions=FUNCTIONS)) == jump


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (":", "type a command"),
        (":fn", "needs a name"),
        (":fn orders", "matches several functions"),
        (":stack nothing-like-this", "no stack matches"),
        (":nothing-like-this", "unknown command or name"),
        (":region mars-1", "no region matches"),
    ],
)
def test_parse_errors(text: str, message: str) -> None:
    with pytest.raises(JumpError, match=message):
        parse(text, COMMANDS, names(stacks=STACKS, functions=FUNCTIONS, regions=["eu-west-1", "us-east-1"]))


def test_exact_name_beats_longer_prefix_matches() -> None:
    assert parse(":stack orders-api", COMMANDS, names(stacks=STACKS)) == Jump("stack", "orders-api")


def test_complete() -> None:
    assert complete(":st", COMMANDS, names(stacks=STACKS)) == ":stack"
    assert complete(":fn orders-api-Q", COMMANDS, names(functions=FUNCTIONS)) == ":fn orders-api-QueueWorker"
    assert complete(":region eu", COMMANDS, names(regions=["eu-west-1"])) == ":region eu-west-1"
    assert complete(":fn zz", COMMANDS, names(functions=FUNCTIONS)) is None
