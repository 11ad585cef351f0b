from django.db import models


class App(models.Model):
    provider = models.CharField(max_length=30)
    client_id = models.CharField(max_length=191)
    secret = models.CharField(max_length=191)
    sites = models.ManyToManyField("sites.Site", blank=True)
