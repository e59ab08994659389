"""Cargo: declared consignments of vehicle crossings, judged against the post's rule set.

``rules/`` is the pure engine (HS codes, rule sets, declarations, selectivity into lane
colours), importable without a database or a web framework. This level stores and serves it:
``model`` (the ORM rows), ``repository`` (their queries), ``recording`` (the crossing hot
path), ``services`` (the rule set in force), ``schemas``, ``api`` and ``cli``. The inspection
of referred vehicles is its own feature, ``borderpost.inspections``.
"""
