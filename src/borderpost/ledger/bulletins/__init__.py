"""Statistics bulletins: ``bulletin`` (the format, computing and checking one; pure) and
``services`` (issuing, storing and reading them on the node).
"""
