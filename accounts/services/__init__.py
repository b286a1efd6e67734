"""Writes on accounts. Callers validate shapes; these functions enforce rules."""

from accounts.services.accounts import (
    password_change,
    user_register,
    user_set_preferences,
    user_update,
)

__all__ = ["password_change", "user_register", "user_set_preferences", "user_update"]
