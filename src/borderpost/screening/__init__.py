"""Screening: people, travel documents and plates against watchlists (see ``README.md``).

``matcher/`` is the pure matcher (a library: no framework, no database); the modules here are
the service around it: the stored lists and hits (``model``), importing lists, the
per-process indexes, screening a crossing, re-screening, reviewing and resolving hits.
"""
