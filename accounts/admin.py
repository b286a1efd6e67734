from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from accounts.models import User


@admin.register(User)
class UserAdmin(DjangoUserAdmin[User]):
    list_display = ("username", "display_name", "role", "verified", "is_active", "date_joined")
    list_filter = ("role", "verified", "is_active")
    search_fields = ("username", "display_name", "email")
    # Verification is decided by organisers and moderators on the verification page, which
    # records who checked what (safeguarding.verification): the admin only shows the result.
    readonly_fields = ("verified", "email_verified_at")
    fieldsets = (
        *(DjangoUserAdmin.fieldsets or ()),
        (
            "Backstage",
            {
                "fields": (
                    "role",
                    "display_name",
                    "birth_year",
                    "verified",
                    "preferred_language",
                    "time_zone",
                    "email_verified_at",
                )
            },
        ),
    )
