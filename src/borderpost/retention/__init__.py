"""Retention: schedules per record kind, legal holds, erasure that keeps the proof, subject
access."""
