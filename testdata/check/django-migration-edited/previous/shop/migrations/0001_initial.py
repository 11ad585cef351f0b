# -*- coding: utf-8 -*-
from __future__ import unicode_literals

from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
    ]

    operations = [
        migrations.CreateModel(
            name='Order',
            fields=[
                ('id', models.AutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('code', models.CharField(max_length=32)),
                ('region', models.CharField(max_length=8, default='eu')),
            ],
        ),
        migrations.AlterUniqueTogether(
            name='order',
            unique_together=set([('code', 'region')]),
        ),
    ]
