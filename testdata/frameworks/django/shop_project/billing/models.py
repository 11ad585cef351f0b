from django.db import models
from django.utils import timezone


class Invoice(models.Model):
    order = models.OneToOneField("shop.Order", on_delete=models.PROTECT)
    number = models.CharField(max_length=20, unique=True, db_column="invoice_number")
    amount = models.DecimalField(max_digits=12, decimal_places=2, null=True)
    issued_at = models.DateTimeField(default=timezone.now)
    paid = models.BooleanField(default=False)
