"""Placeholder: the one batch loading mechanism (issue 3) lands here."""

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    """Add the `load` subcommand to the CLI."""
