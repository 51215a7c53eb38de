"""Existing input.nn files: the strict reader, the managed block that ``update`` keeps up to
date and ``check`` compares, ``import`` of SF lines into a spec, and the SF-by-SF ``diff``."""
