"""Spec → lines: expand a validated spec into symmetry functions and lay them out as text.

``generate`` (the rules), ``lint`` (what n2p2 would swallow), ``ordering`` (n2p2's internal
order), ``formatting`` and ``render`` (numbers, then the Jinja templates), ``explain``
(counts and cost), and ``pipeline``, which sequences them for the CLI and the Python API
(``compile_spec``, ``check``).
"""
