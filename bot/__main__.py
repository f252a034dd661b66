"""`python -m bot` is the `qabot` command."""
from bot.cli import app

if __name__ == "__main__":  # index workers are spawned processes that import this module
    app(prog_name="qabot")
