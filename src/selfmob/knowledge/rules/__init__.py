"""Pure rules over the catalogue. Every result carries human-readable reasons and source ids."""
