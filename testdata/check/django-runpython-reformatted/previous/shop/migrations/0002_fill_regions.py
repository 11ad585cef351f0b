from django.db import migrations


def region_for(code):
    return "eu" if code.startswith("E") else "us"


def fill_regions(apps, schema_editor):
    Order = apps.get_model("shop", "Order")
    for order in Order.objects.filter(region=""):
        order.region = region_for(order.code)
        order.save(update_fields=["region"])


class Migration(migrations.Migration):
    dependencies = [("shop", "0001_initial")]

    operations = [
        migrations.RunPython(fill_regions, migrations.RunPython.noop),
    ]
