"""The web UI's plumbing: templates, translations, static files, sessions, HTML errors."""
