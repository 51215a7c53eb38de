"""The SF engine: neighbour lists (``neighbours``, guarded by ``search``), n2p2's cutoff and
compact functions (``cutoff_functions``), the SF values of a structure exactly as n2p2 computes
them (``sfvalues``, ``triplets``), and how chunks of structures reach workers (``parallel``, and
its Dask backend ``cluster``)."""
