from django.db import models


class Profile(models.Model):
    name = models.CharField(max_length=80)
    settings = models.JSONField(default=dict, null=True)
    note = models.TextField(null=True)
