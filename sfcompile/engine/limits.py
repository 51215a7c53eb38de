"""Limits on what one structure may ask of the SF engine (no numpy here: the command line's
start-up reads them)."""

#: Neighbour pairs (both directions) one structure may have within the largest cutoff, about:
#: some 100 bytes each in the engine's arrays, so about 1 GB. ``--max-neighbours`` changes it.
MAX_PAIRS = 10_000_000

#: Triplets (i; j, k) one structure may have within the largest cutoff, when the spec has
#: angular SFs: the time of an evaluation grows with them (about a minute at the limit).
#: ``--max-triplets`` changes it.
MAX_TRIPLETS = 100_000_000

#: Memory ``select`` and ``select-structures`` may plan for (the per-element Gram matrices, the
#: structures × SFs matrix), in bytes; estimated before anything is allocated. ``--max-memory``
#: changes it.
MAX_SELECTION_MEMORY = 2 * 1024**3
