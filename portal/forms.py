"""Small helpers shared by the apps' forms and views."""

from django.contrib import messages


def errors_as_messages(request, form) -> None:
    """A form posted from a page that shows no form (a button, an upload row): each error
    becomes a message on the page the user is sent back to."""
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)
