"""Writes on accounts and profiles. Callers validate shapes; these functions enforce rules."""

from profiles.services.accounts import user_register, user_set_preferences
from profiles.services.search_index import search_entry_refresh
from profiles.services.witness import (
    WitnessProfileData,
    profile_view_record,
    saved_profile_add,
    saved_profile_remove,
    student_profile_save,
    taxonomy_sync,
    witness_profile_save,
)

__all__ = [
    "WitnessProfileData",
    "profile_view_record",
    "saved_profile_add",
    "saved_profile_remove",
    "search_entry_refresh",
    "student_profile_save",
    "taxonomy_sync",
    "user_register",
    "user_set_preferences",
    "witness_profile_save",
]
