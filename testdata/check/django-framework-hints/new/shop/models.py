from django.db import models


class Order(models.Model):
    total = models.DecimalField(max_digits=10, decimal_places=2)
    voucher_code = models.CharField(max_length=32, null=True)
    note = models.TextField(blank=True, null=True)
