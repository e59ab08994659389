"""The pure transparency-log core: RFC 6962 / RFC 9162 hashing and proofs, C2SP signed notes,
checkpoints, cosignatures, tlog-tiles layout and tlog-proof receipts.

Imports nothing outside this package but the standard library and ``cryptography``: no file,
no network, no database, no web framework.
"""
