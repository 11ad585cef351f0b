from django import forms
from django.db import models
from pydantic import BaseModel, Field

from blog.models.base import PublishableModel


class PostQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published=True)


class Post(PublishableModel):
    title = models.CharField(max_length=200)
    body = models.TextField()
    author = models.ForeignKey("accounts.User", on_delete=models.CASCADE)

    objects = PostQuerySet.as_manager()

    class Meta:
        app_label = "cms"


class PostForm(forms.ModelForm):
    title = forms.CharField(max_length=200)
    notify = forms.BooleanField(required=False)

    class Meta:
        model = Post
        fields = ["title", "body"]


class PostIn(BaseModel):
    title: str = Field(max_length=200)
