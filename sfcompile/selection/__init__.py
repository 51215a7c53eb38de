"""Selection against data: ``sfcompile select`` (SFs) and ``select-structures`` (structures).

:mod:`.collect` evaluates the pool on the data (moments, measured costs, structure summaries),
:mod:`.greedy` picks (CUR, FPS), :mod:`.run` applies the size rule per element, :mod:`.report`
writes the report and the [selection] table, :mod:`.api` joins them with the spec writer
(:mod:`sfcompile.generate.selected`); :mod:`.structures` selects structures.
"""
