from django.db import migrations


def orders_without_region(Order):
    return Order.objects.filter(region="")


def fill_regions(apps, schema_editor):
    Order = apps.get_model("shop", "Order")
    for order in orders_without_region(Order).iterator(2000):
        order.region = "eu" if order.code.startswith("E") else "us"
        order.save(update_fields=["region"])


class Migration(migrations.Migration):
    dependencies = [("shop", "0001_initial")]

    operations = [
        migrations.RunPython(code=fill_regions, reverse_code=migrations.RunPython.noop)
    ]
