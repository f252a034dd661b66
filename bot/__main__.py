"""`python -m bot` is the `qabot` command."""
from bot.cli import app

app(prog_name="qabot")
