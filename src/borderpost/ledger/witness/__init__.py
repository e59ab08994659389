"""A C2SP tlog-witness: what an observer runs to cosign the posts' checkpoints.

``state`` (the add-checkpoint state machine and its state file), ``http`` (the witness folder
and its Starlette app), ``cli`` (``borderpost witness``). No database.
"""
