"""Small helpers shared by the apps' forms and views."""

from django.contrib import messages


def errors_as_messages(request, form) -> None:
    """A form posted from a page that shows no form (a button, an upload row): each error
    becomes a message on the page the user is sent back to."""
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)


def perform(request, action, *, success, refused, form=None, prefix="") -> bool:
    """Run a view's action and say how it went, as a message on the page the user is sent back
    to: the form's errors, the service's refusal (one of the ``refused`` exceptions), or
    ``success``. ``action`` receives the form's cleaned data (``None`` without a form)."""
    if form is not None and not form.is_valid():
        errors_as_messages(request, form)
        return False
    try:
        action(form.cleaned_data if form is not None else None)
    except refused as error:
        messages.error(request, f"{prefix}{error}")
        return False
    messages.success(request, success)
    return True
