"""The gallery's models now belong to the `gallery` app (its migration 0001): forget them here.

State only: their tables stay, and are the gallery's now.
"""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('profiles', '0006_profile_search_entry'),
        ('gallery', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.RemoveField(
                    model_name='studentprofile',
                    name='interests',
                ),
                migrations.RemoveField(
                    model_name='witnessprofile',
                    name='interests',
                ),
                migrations.RemoveField(
                    model_name='profilesearchentry',
                    name='profile',
                ),
                migrations.RemoveField(
                    model_name='profileview',
                    name='profile',
                ),
                migrations.RemoveField(
                    model_name='profileview',
                    name='student',
                ),
                migrations.RemoveField(
                    model_name='savedprofile',
                    name='profile',
                ),
                migrations.RemoveField(
                    model_name='savedprofile',
                    name='student',
                ),
                migrations.RemoveField(
                    model_name='witnessprofile',
                    name='sector',
                ),
                migrations.RemoveField(
                    model_name='witnessprofile',
                    name='skills',
                ),
                migrations.RemoveField(
                    model_name='studentprofile',
                    name='user',
                ),
                migrations.RemoveField(
                    model_name='witnessprofile',
                    name='user',
                ),
                migrations.DeleteModel(
                    name='DiscoveryRound',
                ),
                migrations.DeleteModel(
                    name='Interest',
                ),
                migrations.DeleteModel(
                    name='ProfileSearchEntry',
                ),
                migrations.DeleteModel(
                    name='ProfileView',
                ),
                migrations.DeleteModel(
                    name='SavedProfile',
                ),
                migrations.DeleteModel(
                    name='Sector',
                ),
                migrations.DeleteModel(
                    name='Skill',
                ),
                migrations.DeleteModel(
                    name='StudentProfile',
                ),
                migrations.DeleteModel(
                    name='WitnessProfile',
                ),
    
            ],
        ),
    ]
