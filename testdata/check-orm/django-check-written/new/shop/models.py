from django.db import models


class Order(models.Model):
    total = models.DecimalField(max_digits=10, decimal_places=2)

    class Meta:
        constraints = [
            models.CheckConstraint(check=models.Q(total__gt=0), name="order_total_gt_0"),
        ]
