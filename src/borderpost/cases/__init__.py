"""Cases: appeals, complaints, inquiries, requests for passage, missing person reports and
contested seizures, worked from receipt to a decision the person can read with a reference.

``caseleaf`` (the case's ledger leaf) lives with the ledger, so an observer's tools read it
without this package.
"""
