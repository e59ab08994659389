"""The pure ICAO 9303 core: reading, checking and building machine readable zones.

``parser.parse_mrz`` is the entry; ``layouts`` (TD1, TD2, TD3, MRV-A, MRV-B), ``fields``,
``checkdigit`` and ``checker`` check a zone field by field, ``ocr_repair`` undoes look-alike
confusions where the check digits prove them, ``builders`` and ``specimens`` make zones for
tests and demos. Imports no web framework, no database and nothing of Borderpost but the clock.
"""
