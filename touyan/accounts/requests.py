"""The request of a signed-in user, for typing views (core does not know the user model)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest

if TYPE_CHECKING:
    from .models import User

    class AuthedRequest(HttpRequest):
        """A request behind login_required: its user is a real User."""

        user: User
else:
    AuthedRequest = HttpRequest
