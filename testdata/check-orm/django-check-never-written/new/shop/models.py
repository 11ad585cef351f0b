from django.db import models


class Order(models.Model):
    total = models.DecimalField(max_digits=10, decimal_places=2)
    discount = models.DecimalField(max_digits=10, decimal_places=2, null=True)

    class Meta:
        constraints = [
            models.CheckConstraint(check=models.Q(discount__gte=0), name="order_discount_gte_0"),
        ]
