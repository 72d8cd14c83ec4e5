"""`python -m bot` is the same as the `giamngheo` command."""

from bot.cli import main

main()
