from django.conf import settings
from django.db import models
import uuid


class Category(models.Model):
    name = models.CharField(max_length=100)
    slug = models.SlugField(unique=True)

    class Meta:
        db_table = "shop_categories"


class Label(models.Model):
    label = models.TextField(unique=True)
    color = models.CharField(max_length=7, blank=True)


class Product(models.Model):
    name = models.CharField(max_length=200)
    sku = models.CharField(max_length=32)
    unit_price = models.DecimalField(max_digits=10, decimal_places=2)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="products")
    tags = models.ManyToManyField(Label, blank=True)
    stock = models.PositiveBigIntegerField(default=0)

    class Meta:
        unique_together = [("category", "sku")]
        indexes = [models.Index(fields=["name"], name="product_in_stock_name_idx", condition=models.Q(stock__gt=0))]


class Customer(models.Model):
    email = models.EmailField()
    name = models.CharField(max_length=200)
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["email"], condition=models.Q(is_active=True), name="uniq_active_customer_email"),
        ]


class Order(models.Model):
    STATUS_CHOICES = [("new", "New"), ("paid", "Paid"), ("shipped", "Shipped")]
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, null=True)
    weight = models.FloatField(default=0)
    reference = models.UUIDField(default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=32, choices=STATUS_CHOICES, default="new")
    total = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    notes = models.CharField(max_length=500, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["status", "-created_at"], name="order_status_created_idx"),
            models.Index(fields=["reference"], name="order_reference_idx"),
        ]
        constraints = [models.CheckConstraint(check=models.Q(total__gte=0), name="order_total_nonnegative")]
    placed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="orders")
