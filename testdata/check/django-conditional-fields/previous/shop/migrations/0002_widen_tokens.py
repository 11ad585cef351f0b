# -*- coding: utf-8 -*-
from __future__ import unicode_literals

from django.db import migrations, models
from django.conf import settings


class Migration(migrations.Migration):

    dependencies = [
        ("shop", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="app",
            name="client_id",
            field=models.CharField(max_length=191),
        ),
        migrations.AlterField(
            model_name="app",
            name="secret",
            field=models.CharField(max_length=191),
        ),
    ]
