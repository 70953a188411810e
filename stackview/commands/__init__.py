"""Headless subcommands: one module each, registered in stackview.cli.COMMANDS."""
