# -*- coding: utf-8 -*-
from __future__ import unicode_literals

from django.db import migrations


def region_for(code):
    # Orders from Europe have codes starting with E.
    return u'eu' if code.startswith('E') else u'us'


def fill_regions(apps, schema_editor):
    """Give every order without a region the one its code says."""
    Order = apps.get_model('shop', 'Order')
    for order in Order.objects.filter(region=''):
        order.region = region_for(
            order.code,
        )
        order.save(update_fields=['region'])  # only that column


class Migration(migrations.Migration):
    dependencies = [
        ('shop', '0001_initial'),
    ]

    operations = [
        migrations.RunPython(
            fill_regions,
            migrations.RunPython.noop,
        ),
    ]
