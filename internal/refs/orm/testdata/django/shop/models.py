from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from .managers import ProductManager


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class Customer(AbstractUser):
    phone = models.CharField(max_length=32, blank=True)


class Category(TimeStampedModel):
    name = models.CharField(_("name"), max_length=100)
    parent = models.ForeignKey("self", null=True, on_delete=models.CASCADE, related_name="children")

    class Meta:
        verbose_name_plural = "categories"


class Product(TimeStampedModel):
    sku = models.CharField(max_length=64, unique=True, db_column="product_sku")
    title = models.CharField(max_length=200)
    price = models.DecimalField(max_digits=10, decimal_places=2)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, db_column="cat_id")
    tags = models.ManyToManyField("Tag", blank=True)
    related = models.ManyToManyField("self")
    search_vector = SearchVectorField(null=True)

    objects = ProductManager()

    class Meta:
        db_table = "catalog_product"
        ordering = ["title"]

    def __str__(self):
        return self.title

    @property
    def display_price(self):
        return f"{self.price} EUR"

    @cached_property
    def stock(self):
        return self.inventory.count()


class Tag(models.Model):
    slug = models.SlugField(primary_key=True)
    label = models.CharField(max_length=50)


class Order(TimeStampedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PAID = "paid", _("Paid")

    customer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    items = models.ManyToManyField(Product, through="OrderItem")
    watchers = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="watched_orders", db_table="order_watchers")
    content_type = models.ForeignKey(ContentType, null=True, on_delete=models.SET_NULL)
    object_id = models.PositiveIntegerField(null=True)
    target = GenericForeignKey("content_type", "object_id")

    @property
    def total(self):
        return sum(i.quantity * i.product.price for i in self.orderitem_set.all())


class OrderItem(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE)
    product = models.ForeignKey(Product, on_delete=models.CASCADE)
    quantity = models.PositiveIntegerField(default=1)


class Place(models.Model):
    name = models.CharField(max_length=50)


class Restaurant(Place):
    serves_pizza = models.BooleanField(default=False)


class ActiveProduct(Product):
    class Meta:
        proxy = True


class Profile(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True)
    bio = models.TextField(blank=True)
    # avatar = models.ImageField(upload_to="avatars")  -- dropped in 2.3
