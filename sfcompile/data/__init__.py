"""Structures and symmetry-function values: reading data sets, neighbour lists, n2p2's cutoff
and compact functions, the SF engine (``sfvalues``, ``triplets``), and statistics over a data set
(``stats``, reported by ``report``) exactly as n2p2 computes them."""
