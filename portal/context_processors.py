"""Template context every page needs: the user's roles for the navigation."""

from portal.roles import Role, has_role


def portal(request):
    user = request.user
    if not user.is_authenticated:
        return {"user_roles": set()}
    return {"user_roles": {role.value for role in Role if has_role(user, role)}}
