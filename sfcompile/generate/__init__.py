"""Spec → symmetry functions: expand a validated spec into the SFs every target renders.

``expand`` (the rules and the SF models: ``SymmetryFunction``, ``GeneratedSet``), ``lint``
(what n2p2 would swallow), ``ordering`` (n2p2's internal order), ``filters`` (the shortest
element filters for a list of combinations), ``selected`` (a spec for a subset of a pool),
``explain`` (counts and cost), and ``pipeline``, which sequences them with a target's renderer
for the CLI and the Python API (``compile_spec``, ``check``).
"""
