"""Velkomstbreve: welcome letters to new citizens through Digital Post, each sent exactly once."""
