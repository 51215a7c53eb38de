"""The spec language: reading a TOML spec and validating it into models.

Owns loading and source positions (``load``, ``toml_locations``, ``toml_errors``), the models
(``models``, the ``[[sets]]`` tables in ``sets``, ``set_base``, ``gaussian_sets``,
``poly_sets``), the field types (``fields``, ``base``), chemical elements, SF type names,
n2p2's keyword table, the wording of validation errors (``messages``) and the JSON Schema
generated from the models. Nothing here generates symmetry functions.
"""
