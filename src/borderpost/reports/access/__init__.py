"""The access report: hours open, closures, refusals and waiting times, per post and day.

``services`` computes it (its rules are in its docstring and in ``docs/glossary.md``);
``web`` shows it as a page with two charts and exports it as CSV.
"""
