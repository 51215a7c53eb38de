"""Rendering: generated symmetry functions as the text a code reads.

One module per target code (``n2p2``) over what they share: ``formatting`` and ``arrays``
(numbers and numpy-compatible arrays as text) and ``templates`` (the Jinja environment of
``templates/<target>/``).
"""
