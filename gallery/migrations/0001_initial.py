"""The gallery's models, moved out of the `profiles` app (now `accounts`, the user base).

The tables stay where `profiles` made them (`db_table`), so this migration changes the state
only; profiles 0007 removes the models from that app's state. Content types follow the models,
so permissions and admin history stay attached to them.
"""

import django.db.models.deletion
import gallery.lookups
from django.conf import settings
from django.apps.registry import Apps
from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor


MOVED_MODELS = [
    "sector",
    "skill",
    "interest",
    "witnessprofile",
    "profilesearchentry",
    "studentprofile",
    "savedprofile",
    "profileview",
    "discoveryround",
]


def move_content_types(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    content_type = apps.get_model("contenttypes", "ContentType")
    content_type.objects.using(schema_editor.connection.alias).filter(
        app_label="profiles", model__in=MOVED_MODELS
    ).update(app_label="gallery")


def restore_content_types(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    content_type = apps.get_model("contenttypes", "ContentType")
    content_type.objects.using(schema_editor.connection.alias).filter(
        app_label="gallery", model__in=MOVED_MODELS
    ).update(app_label="profiles")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("profiles", "0006_profile_search_entry"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name='Interest',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('slug', models.SlugField(max_length=40, unique=True)),
                        ('label_fr', models.CharField(max_length=80)),
                        ('label_nl', models.CharField(max_length=80)),
                        ('label_en', models.CharField(max_length=80)),
                        ('keywords', models.CharField(blank=True, max_length=400)),
                    ],
                    options={
                        'db_table': 'profiles_interest',
                        'ordering': ['slug'],
                        'abstract': False,
                    },
                ),
                migrations.CreateModel(
                    name='Sector',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('slug', models.SlugField(max_length=40, unique=True)),
                        ('label_fr', models.CharField(max_length=80)),
                        ('label_nl', models.CharField(max_length=80)),
                        ('label_en', models.CharField(max_length=80)),
                        ('keywords', models.CharField(blank=True, max_length=400)),
                    ],
                    options={
                        'db_table': 'profiles_sector',
                        'ordering': ['slug'],
                        'abstract': False,
                    },
                ),
                migrations.CreateModel(
                    name='Skill',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('slug', models.SlugField(max_length=40, unique=True)),
                        ('label_fr', models.CharField(max_length=80)),
                        ('label_nl', models.CharField(max_length=80)),
                        ('label_en', models.CharField(max_length=80)),
                        ('keywords', models.CharField(blank=True, max_length=400)),
                    ],
                    options={
                        'db_table': 'profiles_skill',
                        'ordering': ['slug'],
                        'abstract': False,
                    },
                ),
                migrations.CreateModel(
                    name='DiscoveryRound',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('profile_ids', models.JSONField(default=list)),
                        ('created_at', models.DateTimeField(auto_now=True)),
                        ('student', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'profiles_discoveryround',
                    },
                ),
                migrations.CreateModel(
                    name='WitnessProfile',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('job_title', models.CharField(max_length=120)),
                        ('hook', models.CharField(blank=True, max_length=160)),
                        ('employer_type', models.CharField(blank=True, choices=[('public', 'Public sector'), ('private', 'Private company'), ('non_profit', 'Non-profit'), ('self_employed', 'Self-employed'), ('international', 'International organisation')], max_length=16)),
                        ('typical_day', models.TextField(blank=True, max_length=4000)),
                        ('career_path', models.JSONField(blank=True, default=list)),
                        ('training', models.TextField(blank=True, max_length=2000)),
                        ('languages', models.JSONField(blank=True, default=list)),
                        ('place', models.CharField(blank=True, max_length=80)),
                        ('video_url', models.URLField(blank=True, max_length=300)),
                        ('formats', models.JSONField(blank=True, default=list)),
                        ('updated_at', models.DateTimeField(auto_now=True)),
                        ('interests', models.ManyToManyField(blank=True, related_name='profiles', to='gallery.interest')),
                        ('user', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='witness_profile', to=settings.AUTH_USER_MODEL)),
                        ('sector', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='profiles', to='gallery.sector')),
                        ('skills', models.ManyToManyField(blank=True, related_name='profiles', to='gallery.skill')),
                    ],
                    options={
                        'db_table': 'profiles_witnessprofile',
                    },
                ),
                migrations.CreateModel(
                    name='StudentProfile',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('school', models.CharField(blank=True, max_length=120)),
                        ('study_track', models.CharField(blank=True, max_length=120)),
                        ('interests', models.ManyToManyField(blank=True, related_name='students', to='gallery.interest')),
                        ('user', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='student_profile', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'profiles_studentprofile',
                    },
                ),
                migrations.CreateModel(
                    name='ProfileSearchEntry',
                    fields=[
                        ('profile', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='search_entry', serialize=False, to='gallery.witnessprofile')),
                        ('visible', models.BooleanField(default=False)),
                        ('updated_at', models.DateTimeField()),
                        ('facets', models.TextField()),
                        ('terms', gallery.lookups.SearchWordsField()),
                        ('title', gallery.lookups.SearchWordsField()),
                        ('body', gallery.lookups.SearchWordsField()),
                    ],
                    options={
                        'db_table': 'profiles_profilesearchentry',
                        'indexes': [models.Index(condition=models.Q(('visible', True)), fields=['-updated_at', '-profile'], name='profiles_search_recent')],
                    },
                ),
                migrations.CreateModel(
                    name='ProfileView',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('viewed_at', models.DateTimeField(auto_now=True)),
                        ('profile', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='gallery.witnessprofile')),
                        ('student', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='profile_views', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'profiles_profileview',
                        'constraints': [models.UniqueConstraint(fields=('student', 'profile'), name='profile_view_once')],
                    },
                ),
                migrations.CreateModel(
                    name='SavedProfile',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('profile', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='gallery.witnessprofile')),
                        ('student', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='saved_profiles', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'profiles_savedprofile',
                        'ordering': ['-created_at'],
                        'constraints': [models.UniqueConstraint(fields=('student', 'profile'), name='saved_profile_once')],
                    },
                ),
    
            ],
        ),
        migrations.RunPython(move_content_types, restore_content_types),
    ]
