"""Template context every page needs: the user's roles for the navigation."""

from portal.roles import Role, has_role


def portal(request):
    # A request refused before authentication (a disallowed Host, answered 400) has no user.
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"user_roles": set()}
    return {"user_roles": {role.value for role in Role if has_role(user, role)}}
