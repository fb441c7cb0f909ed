"""The audit log: who logged in (or failed to), exported, ordered a bilan, changed something in
the admin or downloaded a document holding personal data — when, what and from where.

Entries are written by ``audit.services.record`` and never changed or deleted (see
``audit.models``). ``audit`` imports only ``portal``; every other app may call it.
"""
