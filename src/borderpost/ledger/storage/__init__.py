"""A post's log on disk: the crash-safe tile store and the signed log over it.

File work only (append-only files, atomic replacement, fsync); builds on ``ledger.tlog``.
"""
