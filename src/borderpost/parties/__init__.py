"""Parties: organisations present at a post that hold their own key and attest their crossings.

``model`` (``Party``), ``services`` (registering one, its receipts), ``api`` (the party's
receipts), ``cli`` (``borderpost party keygen`` on the party's machine, ``party add`` at the
post). The statement and its leaf are the ledger's (``ledger.attestations``).
"""
