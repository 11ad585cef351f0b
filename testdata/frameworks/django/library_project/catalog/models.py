import datetime
import uuid
from decimal import Decimal

from django.contrib.postgres.fields import ArrayField, HStoreField
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.db.models.functions import Lower


class Author(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=100, db_index=True)
    bio = models.TextField(blank=True, db_index=True)


class Book(models.Model):
    isbn = models.CharField(max_length=13, primary_key=True)
    title = models.CharField(max_length=200, unique=True)
    editors = models.ManyToManyField(Author, related_name="edited_books", blank=True)
    published = models.DateField(null=True)
    page_count = models.PositiveSmallIntegerField(null=True)
    price = models.DecimalField(max_digits=6, decimal_places=2, default=Decimal("9.99"))
    first_printed = models.DateField(default=datetime.date(2020, 1, 1))
    printed_at = models.DateTimeField(default=datetime.datetime(2020, 1, 1, 12, 30, tzinfo=datetime.timezone.utc))
    tags = ArrayField(models.CharField(max_length=30), default=list, blank=True)
    meta = models.JSONField(default=dict)
    attrs = HStoreField(null=True)
    settings = models.JSONField(default=dict, blank=True)
    aliases = ArrayField(models.CharField(max_length=50), default=list, blank=True)
    loan_period = models.DurationField(default=datetime.timedelta(days=14))
    rating = models.FloatField(default=0)
    added_on = models.DateField(auto_now_add=True)
    code = models.UUIDField(default=uuid.UUID("12345678-1234-5678-1234-567812345678"))
    weight_kg = models.DecimalField(max_digits=5, decimal_places=2, default=1)
    flags = models.JSONField(default=list)
    holder = models.ForeignKey("people.Person", on_delete=models.CASCADE, null=True)

    class Meta:
        db_table = "catalog_books"
        constraints = [
            models.CheckConstraint(check=models.Q(page_count__gt=0) | models.Q(page_count__isnull=True), name="book_pages_positive"),
            models.UniqueConstraint(fields=["title", "holder"], name="book_title_owner_uniq", deferrable=models.Deferrable.DEFERRED),
        ]
        indexes = [
            GinIndex(fields=["tags"], name="book_tags_gin"),
            models.Index(Lower("title"), name="book_title_lower"),
            models.Index(fields=["published"], name="book_published_idx"),
        ]


class LegacyStat(models.Model):
    book_isbn = models.CharField(max_length=13)
    hits = models.IntegerField()

    class Meta:
        managed = False
        db_table = "legacy_stats"


class BookProxy(Book):
    class Meta:
        proxy = True
