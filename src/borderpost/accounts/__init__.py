"""Accounts: users, their roles and post scope, passwords, sessions and API tokens."""
