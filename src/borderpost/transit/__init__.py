"""Corridors, transits through them against a deadline, and repeated movements of vehicles."""
