package orm

import (
	"testing"

	"github.com/schemagate/schemagate/internal/refs"
)

func gm(file string, line int, snippet, table string, cols ...string) refs.Reference {
	return withColumns(model(refs.GORM, file, line, 6, snippet, table), cols...)
}

func TestGORMExtract(t *testing.T) {
	const f = "internal/model/models.go"
	company := gm(f, 75, "type Company struct {", "companies", "id", "name")
	company.Schema = "org"
	tenant := gm(f, 89, "type Tenant struct {", "tenants", "id", "slug")
	tenant.Certainty = refs.Ambiguous // TableName() is computed
	want := []refs.Reference{
		gm(f, 15, "type User struct {", "users",
			"id", "created_at", "updated_at", "deleted_at", "email", "name", "password_hash", "api_key",
			"company_id", "settings", "tags", "score", "read_only", "migrated"),
		gm(f, 37, "type Profile struct {", "profiles", "id", "user_id", "bio", "avatar_url", "avatar_width", "avatar_height"),
		gm(f, 51, "type Order struct {", "shop_orders", "id", "user_id", "total", "status", "meta", "created_by", "updated_by", "created_at"),
		company,
		gm(f, 84, "type Language struct {", "languages", "id", "created_at", "updated_at", "deleted_at", "code"),
		tenant,
	}
	checkExtract(t, &GORM{}, f, "gorm/"+f, want)
}

func TestGORMNamingStrategy(t *testing.T) {
	src := `package m

import "gorm.io/gorm"

type UserProfile struct {
	gorm.Model
	HTTPEndpoint string
}
`
	for _, tt := range []struct {
		g     *GORM
		table string
	}{
		{&GORM{}, "user_profiles"},
		{&GORM{SingularTable: true}, "user_profile"},
		{&GORM{TablePrefix: "app_"}, "app_user_profiles"},
	} {
		got, err := tt.g.Extract("m.go", []byte(src))
		if err != nil {
			t.Fatal(err)
		}
		want := []refs.Reference{gm("m.go", 5, "type UserProfile struct {", tt.table,
			"id", "created_at", "updated_at", "deleted_at", "http_endpoint")}
		checkRefs(t, want, got)
	}
}

func TestGORMNotModels(t *testing.T) {
	for name, src := range map[string]string{
		"plain structs":           "package m\n\ntype Req struct {\n\tName string `json:\"name\"`\n}\n",
		"sqlx only":               string(readTestdata(t, "sqlx/store/users.go")),
		"table name without gorm": "package m\n\ntype T struct{ ID int }\n\nfunc (T) TableName() string { return \"t\" }\n",
	} {
		got, err := (&GORM{}).Extract("m.go", []byte(src))
		if err != nil || len(got) != 0 {
			t.Errorf("%s: Extract = %+v, %v; want nothing", name, got, err)
		}
	}
}

func TestGORMBrokenFile(t *testing.T) {
	src := "package m\n\nimport \"gorm.io/gorm\"\n\ntype Good struct {\n\tgorm.Model\n\tName string\n}\n\nfunc broken( {\n"
	got, err := (&GORM{}).Extract("m.go", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	checkRefs(t, []refs.Reference{gm("m.go", 5, "type Good struct {", "goods", "id", "created_at", "updated_at", "deleted_at", "name")}, got)

	if _, err := (&GORM{}).Extract("m.go", []byte("type X struct { gorm.Model }")); err == nil {
		t.Error("a file without a package clause must be an error")
	}
}

func TestSqlxExtract(t *testing.T) {
	const f = "store/users.go"
	tag := func(line int, snippet, col string) refs.Reference {
		return refs.Reference{
			Column: col, Usage: refs.Select, Certainty: refs.NameOnly, Source: refs.Sqlx,
			File: f, Line: line, Col: 2, Snippet: snippet,
		}
	}
	want := []refs.Reference{
		tag(12, "ID        int64     `db:\"id\" json:\"id\"`", "id"),
		tag(13, "Email     string    `db:\"email_address\" json:\"email\"`", "email_address"),
		tag(14, "CreatedAt time.Time `db:\"created_at\"`", "created_at"),
		tag(22, "Street string `db:\"street\"`", "street"),
		tag(23, "City   string `db:\"city,omitempty\"`", "city"),
	}
	checkExtract(t, Sqlx, f, "sqlx/"+f, want)
}

func TestGoMatch(t *testing.T) {
	for p, want := range map[string]bool{
		"internal/model/user.go":       true,
		"internal/model/user_test.go":  false,
		"vendor/gorm.io/gorm/model.go": false,
		"internal/model/user.rb":       false,
	} {
		if got := (&GORM{}).Match(p); got != want {
			t.Errorf("GORM.Match(%q) = %v, want %v", p, got, want)
		}
		if got := Sqlx.Match(p); got != want {
			t.Errorf("Sqlx.Match(%q) = %v, want %v", p, got, want)
		}
	}
}
