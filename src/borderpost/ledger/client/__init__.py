"""What an observer or the public runs against a served log, with no account and no database:
``verify`` (the whole log, its keys and witnesses), ``recount`` (the summary report from the
leaves) and ``receipts`` (checking a receipt offline).
"""
