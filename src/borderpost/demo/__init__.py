"""The demo: a fictional corridor with a post at each end and six weeks of traffic.

``services.build_demo`` builds it from ``corridor`` (the posts, organisations and closures),
``watchlists`` (the list screening refers a few travellers by), ``traffic`` and
``consignments`` (who and what crosses, from seeded generators); ``users`` adds the demo's
accounts. Everything is invented: the places, the organisations and the people.
"""
