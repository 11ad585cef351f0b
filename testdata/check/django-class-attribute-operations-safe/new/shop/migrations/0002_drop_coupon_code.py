from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [("shop", "0001_initial")]

    database_operations = [
        migrations.RunSQL('ALTER TABLE "shop_order" DROP COLUMN "coupon_code"'),
    ]
    state_operations = [
        migrations.RemoveField(model_name="order", name="coupon_code"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=database_operations,
            state_operations=state_operations,
        ),
    ]
