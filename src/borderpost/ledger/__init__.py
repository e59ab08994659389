"""The tamper-evident ledger: one RFC 6962 log per post, served as C2SP transparency logs.

Sub-packages, each a room of its own (``import-linter`` keeps them so):

- ``tlog``: the pure core, RFC 6962 / C2SP: ``merkle``, ``note`` (signed notes, keys),
  ``checkpoint``, ``cosignature``, ``tiles`` (tile layout and maths), ``proof`` (tlog-proof)
  and their ``errors``. No file, no network, no database.
- ``storage``: a post's log on disk: ``files`` (atomic writes), ``appendfile``, ``store``
  (the tile store), ``log`` (``TileLog``: appends, proofs, signed checkpoints).
- ``witness``: the C2SP tlog-witness an observer runs: ``state`` (the add-checkpoint state
  machine and its state file), ``http`` (its folder and Starlette app), ``cli``.
- ``client``: what an observer or the public runs against a served log: ``verify``,
  ``recount``, ``receipts`` (checking a receipt). Never the post's database.
- ``bulletins``: ``bulletin`` (the format, computing and checking one, pure) and
  ``services`` (issuing and keeping them on the node).

The post side, at this level: ``leaves`` (the leaf format), ``model`` (``LedgerLeaf``, the
outbox of leaves), ``services`` (writing leaves, keys, the open logs), ``appending`` (the
appender), ``quorum`` (sending checkpoints to witnesses), ``receipts`` (making one),
``rotation`` (log key rotation statements), ``corrections``, ``keys`` (key files), ``api``
and ``cli``.

No ``__init__`` imports its modules: importing one module loads only what it needs.
"""
