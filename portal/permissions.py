"""The one "permission or 404" rule of every app's views: a page or an object the user may not
see answers 404, never a 403 that would confirm it exists. Views name the permission they need
(django-rules predicates, ``<app>/rules.py`` or ``<app>/permissions``)."""

from django.http import Http404


def require_perm_or_404(request, perm: str, obj=None) -> None:
    """404 unless the user has ``perm`` (on ``obj`` when given)."""
    if not request.user.has_perm(perm, obj):
        raise Http404
