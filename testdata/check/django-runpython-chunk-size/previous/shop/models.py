from django.db import models


class Order(models.Model):
    code = models.CharField(max_length=32)
    region = models.CharField(max_length=8, default="eu")

    class Meta:
        unique_together = {("code", "region")}
