"""The realism switches on the command line: `--demo-latency` ... on the main command and every
subcommand (with --demo), `--latency` ... on `stackview demo-server`; bad values are usage errors."""

from __future__ import annotations

import pytest

from stackview.cli import build_parser, main
from stackview.commands.demo_server import realism_of
from stackview.demo.process import Realism


def test_demo_switches_parse_before_or_after_the_command():
    args = build_parser().parse_args(["--demo", "--demo-latency", "FilterLogEvents=300,default=50",
                                      "logs", "fn", "--demo-throttle-rate", "5%"])
    assert args.demo_latency == {"FilterLogEvents": 300, "default": 50}
    assert args.demo_throttle_rate == 0.05
    assert build_parser().parse_args(["--demo"]).demo_fault_rate is None


def test_demo_server_takes_its_own_names_and_the_main_commands():
    parser = build_parser()
    own = parser.parse_args(["demo-server", "--latency", "300", "--fault-rate", "0.1"])
    assert realism_of(own) == Realism({"default": 300}, 0.0, 0.1)
    main_names = parser.parse_args(["demo-server", "--demo-throttle-rate", "0.2",
                                    "--insights-rate", "5000"])
    assert realism_of(main_names) == Realism({}, 0.2, 0.0, 5000.0)
    assert realism_of(parser.parse_args(["demo-server"])) == Realism()


@pytest.mark.parametrize("argv, fragment", [
    (["--demo", "--demo-latency", "slow"], "argument --demo-latency: 'slow' is not a number"),
    (["demo-server", "--throttle-rate", "150%"], "argument --throttle-rate: 150% is not between 0 and 1"),
    (["--demo", "--demo-fault-rate", "-0.1"], "argument --demo-fault-rate: -0.1 is not between"),
    (["--demo", "--demo-insights-rate", "fast"], "argument --demo-insights-rate: 'fast' is not a number"),
])
def test_bad_values_are_usage_errors(argv, fragment, capsys):
    with pytest.raises(SystemExit) as caught:
        main(argv)
    assert caught.value.code == 2
    assert fragment in capsys.readouterr().err


def test_demo_switches_without_demo_are_refused_on_one_line(capsys):
    code = main(["--demo-latency", "300", "--demo-fault-rate", "0.1", "logs", "--log-group", "g"])
    err = capsys.readouterr().err
    assert code == 1 and "Traceback" not in err
    assert err.strip() == "stackview: --demo-latency, --demo-fault-rate: only with --demo"


def test_demo_server_announces_the_switches_in_force():
    from stackview.commands.demo_server import announcement

    text = announcement("http://127.0.0.1:1", Realism.parse("FilterLogEvents=300,default=50",
                                                            "0.5%", 0.05, 5000))
    assert ("Realism switches: latency FilterLogEvents 300 ms, default 50 ms; 0.5% of read calls "
            "throttled; 5% of calls failing with HTTP 500/503; Logs Insights scanning 5,000 "
            "events/s.") in text
    assert "Realism" not in announcement("http://127.0.0.1:1", Realism())
