"""Reading data sets: n2p2's ``input.data`` (``structures``, streamed, every kind of damage
located), other formats through ASE (``ase_reader``), and the dispatch between them
(``formats``)."""
