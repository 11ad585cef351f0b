from django.db import migrations


def fill_regions(apps, schema_editor):
    apps.get_model("shop", "Order").objects.filter(region="").update(region="eu")


def fill_regions_v2(apps, schema_editor):
    apps.get_model("shop", "Order").objects.filter(region="").update(region="us")


class Migration(migrations.Migration):
    dependencies = [("shop", "0001_initial")]

    operations = [
        migrations.RunPython(fill_regions, migrations.RunPython.noop),
    ]
