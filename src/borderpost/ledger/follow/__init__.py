"""Headquarters follows the posts' logs: consistency of each new checkpoint, a recount of the
leaves compared with the replica it ingested, and alerts on a split view."""
