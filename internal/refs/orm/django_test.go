package orm

import (
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/schemagate/schemagate/internal/refs"
	"github.com/schemagate/schemagate/internal/source"
)

func dj(file string, line, col int, snippet, table string, cols ...string) refs.Reference {
	return withColumns(model(refs.Django, file, line, col, snippet, table), cols...)
}

func TestDjangoExtract(t *testing.T) {
	const shop = "shop/models.py"
	const blog = "blog/models/post.py"
	const broken = "broken/models.py"
	productCols := []string{"id", "created_at", "updated_at", "product_sku", "title", "price", "cat_id", "search_vector"}
	tests := []struct {
		file string
		want []refs.Reference
	}{
		{shop, []refs.Reference{
			dj(shop, 21, 1, "class Customer(AbstractUser):", "shop_customer",
				"id", "password", "last_login", "is_superuser", "username", "first_name", "last_name",
				"email", "is_staff", "is_active", "date_joined", "phone"),
			dj(shop, 21, 1, "class Customer(AbstractUser):", "shop_customer_groups", "id", "customer_id", "group_id"),
			dj(shop, 21, 1, "class Customer(AbstractUser):", "shop_customer_user_permissions", "id", "customer_id", "permission_id"),
			dj(shop, 25, 1, "class Category(TimeStampedModel):", "shop_category", "id", "created_at", "updated_at", "name", "parent_id"),
			dj(shop, 33, 1, "class Product(TimeStampedModel):", "catalog_product", productCols...),
			dj(shop, 38, 5, `tags = models.ManyToManyField("Tag", blank=True)`, "catalog_product_tags", "id", "product_id", "tag_id"),
			dj(shop, 39, 5, `related = models.ManyToManyField("self")`, "catalog_product_related", "id", "from_product_id", "to_product_id"),
			dj(shop, 60, 1, "class Tag(models.Model):", "shop_tag", "slug", "label"),
			dj(shop, 65, 1, "class Order(TimeStampedModel):", "shop_order",
				"id", "created_at", "updated_at", "customer_id", "status", "content_type_id", "object_id"),
			dj(shop, 73, 5, `watchers = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="watched_orders", db_table="order_watchers")`,
				"order_watchers", "id", "order_id", "user_id"),
			dj(shop, 83, 1, "class OrderItem(models.Model):", "shop_orderitem", "id", "order_id", "product_id", "quantity"),
			dj(shop, 89, 1, "class Place(models.Model):", "shop_place", "id", "name"),
			dj(shop, 93, 1, "class Restaurant(Place):", "shop_restaurant", "place_ptr_id", "serves_pizza"),
			dj(shop, 97, 1, "class ActiveProduct(Product):", "catalog_product", productCols...),
			dj(shop, 102, 1, "class Profile(models.Model):", "shop_profile", "user_id", "bio"),
		}},
		// The base class is in another file; forms, querysets and
		// pydantic models are not Django models.
		{blog, []refs.Reference{
			dj(blog, 13, 1, "class Post(PublishableModel):", "cms_post", "id", "title", "body", "author_id"),
		}},
		{broken, []refs.Reference{
			dj(broken, 10, 1, "class Fine(models.Model):", "broken_fine", "id", "label"),
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			got, err := Django.Extract(tt.file, readTestdata(t, "django/"+tt.file))
			if err != nil {
				t.Fatalf("Extract(%s): %v", tt.file, err)
			}
			if diff := cmp.Diff(tt.want, got, cmpRefs, noWrites); diff != "" {
				t.Errorf("Extract(%s) mismatch (-want +got):\n%s", tt.file, diff)
			}
		})
	}
}

// TestDjangoWrites: every concrete field says whether Django's inserts
// always give it a value, at the field's line; null=True without a
// default may insert NULL. Inherited fields keep their base's line.
func TestDjangoWrites(t *testing.T) {
	src := `from django.db import models

class Stamped(models.Model):
    created = models.DateTimeField(auto_now_add=True, null=True)

    class Meta:
        abstract = True

class Invoice(Stamped):
    number = models.CharField(max_length=20)
    note = models.TextField(null=True, blank=True)
    extra = models.JSONField(null=True, default=dict)
    settled = models.BooleanField(null=True, db_default=False)
    owner = models.ForeignKey("auth.User", null=True, on_delete=models.CASCADE)
    nothing = models.TextField(null=True, default=None)
`
	got, err := Django.Extract("billing/models.py", []byte(src))
	if err != nil || len(got) != 1 {
		t.Fatalf("Extract = %+v, %v; want one model", got, err)
	}
	want := []refs.Write{
		{Column: "number", Always: true, Line: 10, Snippet: "number = models.CharField(max_length=20)"},
		{Column: "note", Line: 11, Snippet: "note = models.TextField(null=True, blank=True)"},
		{Column: "extra", Always: true, Line: 12, Snippet: "extra = models.JSONField(null=True, default=dict)"},
		{Column: "settled", Always: true, Line: 13, Snippet: "settled = models.BooleanField(null=True, db_default=False)"},
		{Column: "owner_id", Line: 14, Snippet: `owner = models.ForeignKey("auth.User", null=True, on_delete=models.CASCADE)`},
		{Column: "nothing", Line: 15, Snippet: "nothing = models.TextField(null=True, default=None)"},
		{Column: "created", Always: true, Line: 4, Snippet: "created = models.DateTimeField(auto_now_add=True, null=True)"},
	}
	if diff := cmp.Diff(want, got[0].Writes); diff != "" {
		t.Errorf("writes (-want +got):\n%s", diff)
	}
}

func TestDjangoNotModels(t *testing.T) {
	srcs := map[string]string{
		// A Flask-SQLAlchemy models.py: no Django import.
		"app/models.py": `from app import db

class User(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = models.CharField()
`,
		"shop/models.py": `from django.db import models

class Status(models.TextChoices):
    DRAFT = "draft"

class ProductManager(models.Manager):
    def active(self):
        return self.filter(active=True)

def helper(x):
    name = models.CharField()
`,
	}
	for p, src := range srcs {
		got, err := Django.Extract(p, []byte(src))
		if err != nil || len(got) != 0 {
			t.Errorf("Extract(%s) = %+v, %v; want nothing", p, got, err)
		}
	}
}

func TestDjangoTableNames(t *testing.T) {
	src := `from django.db import models

class AVeryLongModelNameThatKeepsGoingAndGoingBeyondLimits(models.Model):
    followers_of_this_extremely_long_model = models.ManyToManyField("self", symmetrical=False)

class Event(models.Model):
    name = models.TextField()

    class Meta:
        db_table = 'analytics"."events'
`
	got, err := Django.Extract("some_app_with_a_long_label/models.py", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 {
		t.Fatalf("got %d references, want 3: %+v", len(got), got)
	}
	// Generated names longer than 63 bytes are cut to 59 plus 4 hex
	// digits of their MD5, as Django's truncate_name does.
	long := "some_app_with_a_long_label_averylongmodelnamethatkeepsgoingandgoingbeyondlimits"
	if got[0].Table != truncateName(long, 63) || len(got[0].Table) != 63 || got[0].Table[:59] != long[:59] {
		t.Errorf("model table = %q, want %q cut to 63", got[0].Table, long)
	}
	if len(got[1].Table) != 63 {
		t.Errorf("join table %q is not cut to 63", got[1].Table)
	}
	if got[2].Schema != "analytics" || got[2].Table != "events" {
		t.Errorf("quoted schema trick: got %q.%q, want analytics.events", got[2].Schema, got[2].Table)
	}
}

func TestTruncateName(t *testing.T) {
	// Django: truncate_name("a"*70, 63) == "a"*59 + md5("a"*70)[:4].
	name := ""
	for i := 0; i < 70; i++ {
		name += "a"
	}
	got := truncateName(name, 63)
	if got[:59] != name[:59] || len(got) != 63 {
		t.Fatalf("truncateName = %q", got)
	}
	if got[59:] != "0f5c" {
		t.Errorf("digest = %q, want 0f5c (Python: hashlib.md5(70 a).hexdigest()[:4])", got[59:])
	}
	if truncateName("short", 63) != "short" {
		t.Error("short names must not change")
	}
}

func TestDjangoMatch(t *testing.T) {
	for p, want := range map[string]bool{
		"shop/models.py":                  true,
		"src/apps/blog/models/post.py":    true,
		"blog/models/__init__.py":         true,
		"shop/views.py":                   false,
		"shop/migrations/0001_initial.py": false,
		"shop/tests/models.py":            false,
		"shop/models.pyc":                 false,
	} {
		if got := Django.Match(p); got != want {
			t.Errorf("Match(%q) = %v, want %v", p, got, want)
		}
	}
}

// djBlogPost is the model the attribute use tests read.
const djBlogPost = `from django.db import models


class Post(models.Model):
    title = models.CharField(max_length=80)
    body = models.TextField()
    author = models.ForeignKey("auth.User", on_delete=models.CASCADE)
`

// TestDjangoAttributeUses: queryset lookups (with Q, F and aggregates,
// and get_or_create's defaults), admin options, serializer fields and
// self.field in the model's methods name a model's columns; names that are not fields
// (properties, annotations, other models' fields) are not uses.
func TestDjangoAttributeUses(t *testing.T) {
	files := []*source.File{
		source.NewFile("blog/models.py", []byte(djBlogPost+`
    @property
    def summary(self):
        return self.body[:80]
`)),
		source.NewFile("blog/views.py", []byte(`from .models import Post


def index(request):
    posts = Post.objects.filter(title__icontains="x", author__username="y").order_by("-title")
    rows = Post.objects.values("body", "summary")
    other.objects.filter(body=1)
    return Post.objects.annotate(n=Count("id")).exclude(author_id=None)


def more():
    Post.objects.filter(Q(title="a") | ~Q(summary="b"), body__isnull=False)
    Post.objects.aggregate(n=Count("body"), m=Max("summary"))
    Post.objects.get_or_create(title="t", defaults={"body": "", "summary": 1})
`)),
		source.NewFile("blog/admin.py", []byte(`from django.contrib import admin
from .models import Post


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    list_display = ("title", "summary")
    search_fields = ["body"]
`)),
		source.NewFile("blog/serializers.py", []byte(`from rest_framework import serializers
from .models import Post


class PostSerializer(serializers.ModelSerializer):
    class Meta:
        model = Post
        fields = ["id", "title", "author"]
`)),
	}
	got, err := DjangoAttributes.ExtractFiles(files)
	if err != nil {
		t.Fatal(err)
	}
	var uses []string
	for _, r := range got {
		if r.Usage != refs.Attribute || r.Source != refs.Django {
			t.Errorf("reference %+v is not a Django attribute use", r)
		}
		uses = append(uses, fmt.Sprintf("%s:%d %s.%s", r.File, r.Line, r.Table, r.Column))
	}
	want := []string{
		"blog/views.py:5 blog_post.title", "blog/views.py:5 blog_post.author_id", "blog/views.py:5 blog_post.title",
		"blog/views.py:6 blog_post.body",
		"blog/views.py:8 blog_post.author_id",
		"blog/admin.py:7 blog_post.title", "blog/admin.py:8 blog_post.body",
		"blog/serializers.py:8 blog_post.id", "blog/serializers.py:8 blog_post.title", "blog/serializers.py:8 blog_post.author_id",
		"blog/models.py:11 blog_post.body", // self.body in the model's own method
		"blog/views.py:8 blog_post.id",     // Count("id")
		"blog/views.py:12 blog_post.title", "blog/views.py:12 blog_post.body",
		"blog/views.py:13 blog_post.body",
		"blog/views.py:14 blog_post.title", "blog/views.py:14 blog_post.body",
	}
	if diff := cmp.Diff(want, uses, cmpopts.SortSlices(func(a, b string) bool { return a < b })); diff != "" {
		t.Errorf("attribute uses (-want +got):\n%s", diff)
	}
}

// TestDjangoLooseUses: obj.field on a value whose model is unknown is a
// use of each model with that field (NameOnly for one, Ambiguous for
// several), narrowed to the models the file names; method calls,
// imported names, request values, common names and self outside a model
// are not uses.
func TestDjangoLooseUses(t *testing.T) {
	files := []*source.File{
		source.NewFile("blog/models.py", []byte(djBlogPost+`

class Page(models.Model):
    title = models.CharField(max_length=80)
    name = models.CharField(max_length=80)
`)),
		source.NewFile("blog/render.py", []byte(`import markdown


def render(obj, page, request):
    html = markdown.body(obj.body)
    obj.title.upper()
    page.author_id
    page.name
    obj.body()
    request.title
    return self.body
`)),
		source.NewFile("blog/feeds.py", []byte(`from .models import Post


def item_title(item):
    return item.title
`)),
	}
	got, err := DjangoAttributes.ExtractFiles(files)
	if err != nil {
		t.Fatal(err)
	}
	uses := placesOf(got, refs.Reference.ByName, true)
	want := []string{
		"blog/render.py:5 blog_post.body name-only",
		"blog/render.py:6 blog_post.title ambiguous", "blog/render.py:6 blog_page.title ambiguous",
		"blog/render.py:7 blog_post.author_id name-only",
		"blog/feeds.py:5 blog_post.title name-only",
	}
	if diff := cmp.Diff(want, uses, cmpopts.SortSlices(func(a, b string) bool { return a < b })); diff != "" {
		t.Errorf("loose uses (-want +got):\n%s", diff)
	}
}
