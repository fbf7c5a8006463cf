"""``flask translations update``: gather every string to translate and compile the catalogues."""

from __future__ import annotations

import tempfile
from pathlib import Path

import click
from babel.messages.frontend import CommandLineInterface
from flask.cli import AppGroup

ROOT = Path(__file__).resolve().parent.parent
CATALOGUES = Path(__file__).resolve().parent / "translations"

translations_cli = AppGroup("translations", help="Danish and English catalogues.")


def pybabel(*args: str) -> None:
    """Run one pybabel command, quietly."""
    CommandLineInterface().run(["pybabel", "-q", *args])


@translations_cli.command("update")
def update_command() -> None:
    """Extract the strings of templates and code into both catalogues, then compile them."""
    with tempfile.TemporaryDirectory() as scratch:
        template = str(Path(scratch) / "messages.pot")
        pybabel("extract", "-F", str(ROOT / "babel.cfg"), "-k", "_l", "--no-location",
                "--sort-output", "-o", template, str(ROOT))
        pybabel("update", "-i", template, "-d", str(CATALOGUES), "--no-fuzzy-matching",
                "--ignore-obsolete", "--omit-header")
    compile_command.callback()
    click.echo("Updated app/translations/{da,en}; translate the empty msgstr lines of da.")


@translations_cli.command("compile")
def compile_command() -> None:
    """Compile the .po catalogues into the .mo files the app reads."""
    pybabel("compile", "-d", str(CATALOGUES), "--use-fuzzy")
