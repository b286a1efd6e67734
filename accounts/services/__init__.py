"""Writes on accounts. Callers validate shapes; these functions enforce rules."""

from accounts.services.accounts import user_register, user_set_preferences

__all__ = ["user_register", "user_set_preferences"]
