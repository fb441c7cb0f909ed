"""What happens to a grant that the apps above ``grants`` act on.

``grants`` imports nothing of ``conventions``: the grant convention is drafted, signed, ended
and dropped by receivers that ``conventions`` connects in its ``AppConfig.ready()``. Each signal
is sent with ``send()`` (not ``send_robust()``) inside the caller's transaction, at the point
where the work used to be done inline: a receiver's writes commit or roll back with the grant's,
and a receiver that raises refuses the whole action.
"""

from django.dispatch import Signal

#: ``grant`` (locked), ``by``: its tranches and reports are planned (``prepare_grant``, idempotent).
grant_prepared = Signal()

#: ``grant`` (locked), ``signed_on``, ``scan``, ``by``: the convention came back signed; sent
#: before the grant becomes active.
grant_signed = Signal()

#: ``grant`` (locked), ``by``, ``reason``: the grant is cancelled.
grant_cancelled = Signal()

#: ``grant`` (locked), ``by``: the grant is closed.
grant_closed = Signal()

#: ``grant`` (locked): a changed decision drops this grant before its signature; sent just
#: before the grant row is deleted.
grant_withdrawn = Signal()

#: ``application``, ``submission``: an application was sent (a new version); sent inside the
#: submission's transaction, after its state changed.
application_submitted = Signal()
