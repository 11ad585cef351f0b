from django.db import models


class Article(models.Model):
    title = models.CharField(max_length=50)
    views = models.SmallIntegerField(default=0)
