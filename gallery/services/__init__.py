"""Writes on witness and student profiles. Callers validate shapes; these enforce rules."""

from gallery.services.search_index import search_entry_refresh
from gallery.services.witness import (
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
    "witness_profile_save",
]
