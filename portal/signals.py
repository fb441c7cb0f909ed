"""What the portal's shared components announce, for the apps that keep a record of it (the
audit log, ``audit.receivers``). ``portal`` imports no app: it sends, they listen.

Every signal passes the ``request`` it happened in.
"""

from django.dispatch import Signal

#: A view served a stored document that holds personal data (``portal.files.serve_file`` with
#: ``document=``): ``sender`` is the document's model, with ``request``, ``document`` and
#: ``filename``.
document_served = Signal()

#: A list was exported as a file: ``sender`` is the list's model (``None`` when unknown), with
#: ``request``, ``name`` (the file's name, without extension), ``fmt`` (``csv`` or ``xlsx``),
#: ``rows`` (how many) and ``filters`` (the query parameters that chose them).
list_exported = Signal()

#: An admin import job wrote its rows (``portal.imports.run``): ``sender`` is the ``ImportJob``
#: model, with ``job`` and ``summary`` (rows added, changed, deleted). No request: the job runs
#: in the worker; the job says who asked.
import_done = Signal()
