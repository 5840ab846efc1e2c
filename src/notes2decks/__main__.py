"""`python -m notes2decks` runs the `notes2decks` command group."""

from .cli import main

if __name__ == "__main__":
    main()
