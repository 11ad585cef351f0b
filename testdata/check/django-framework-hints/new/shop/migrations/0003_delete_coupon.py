from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("shop", "0002_rename_coupon_code"),
    ]

    operations = [
        migrations.DeleteModel(
            name="Coupon",
        ),
    ]
