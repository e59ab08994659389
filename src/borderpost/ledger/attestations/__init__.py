"""Attestations: a party's signed statement on its own leaves, and the figures it confirms.

``statement`` (the statement text, pure), ``leaf`` (the attestation leaf kind), ``services``
(accepting a statement at the post), ``api`` (``/ledger/<POST>/attestations``), ``tool``
(what a party runs: ``borderpost attest``), ``figures`` (the recount with attestations).
"""
