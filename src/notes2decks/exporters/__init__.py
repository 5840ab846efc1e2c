"""Exporters turn a `Deck` into one output file each. They know nothing of the readers.

Each exporter module has one function `export_<name>(deck, dest, options, warn)`, registered in
`notes2decks.registry.EXPORTERS`, and writes `dest` atomically through `notes2decks.atomic`.
"""
