from django.db import models


class Broken(models.Model):
    name = models.CharField(max_length=10
    def oops(self:
        pass


class Fine(models.Model):
    label = models.CharField(max_length=10)
