"""Placeholder: the synthetic shop generator (issue 5) lands here."""

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    """Add the `generate` subcommand to the CLI."""
