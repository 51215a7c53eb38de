"""What the SFs and the geometry of a data set look like: statistics exactly as n2p2 computes
them (``stats``, reported by ``report``), SF shapes and the data's distributions for ``plot``
(``shapes``, ``distributions``), and a starter spec from a data set (``survey``, ``radii``,
``starter``)."""
