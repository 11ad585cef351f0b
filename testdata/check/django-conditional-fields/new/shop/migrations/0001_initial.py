# -*- coding: utf-8 -*-
from __future__ import unicode_literals

from django.conf import settings
from django.db import migrations, models

SITES_ENABLED = "django.contrib.sites" in settings.INSTALLED_APPS


class Migration(migrations.Migration):

    dependencies = (
        [
            ("sites", "0001_initial"),
        ]
        if SITES_ENABLED
        else []
    )

    operations = [
        migrations.CreateModel(
            name="App",
            fields=[
                ("id", models.AutoField(verbose_name="ID", serialize=False, auto_created=True, primary_key=True)),
                ("provider", models.CharField(max_length=30)),
                ("client_id", models.CharField(max_length=100)),
                ("secret", models.CharField(max_length=100)),
            ]
            + (
                [
                    ("sites", models.ManyToManyField(to="sites.Site", blank=True)),
                ]
                if SITES_ENABLED
                else []
            ),
        ),
    ]
