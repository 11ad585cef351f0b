package orm

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/schemagate/schemagate/internal/refs"
)

func pr(file string, line int, snippet, schema, table string, cols ...string) refs.Reference {
	return withSchema(withColumns(model(refs.Prisma, file, line, 1, snippet, table), cols...), schema)
}

func TestPrismaExtract(t *testing.T) {
	const main = "prisma/schema.prisma"
	const billing = "prisma/schema/billing.prisma"
	tests := []struct {
		file string
		want []refs.Reference
	}{
		{main, []refs.Reference{
			pr(main, 16, "model User {", "auth", "users", "id", "email_address", "name", "role", "created_at", "tags", "search"),
			pr(main, 32, "model Profile {", "public", "Profile", "id", "bio", "user_id"),
			pr(main, 41, "model Post {", "public", "Post", "id", "title", "url", "published", "author_id", "meta"),
			pr(main, 55, "model Category {", "public", "Category", "id", "name"),
		}},
		// Types from other files of a multi-file schema: an unknown
		// scalar-looking type is an enum column, an unknown list or an
		// @relation field is a relation. An unbalanced parenthesis and an
		// unclosed block do not hide the models around them.
		{billing, []refs.Reference{
			pr(billing, 1, "model Invoice {", "", "invoices", "id", "status", "customer_id", "total"),
			pr(billing, 11, "model Broken {", "", "Broken", "id", "broken_name"),
			pr(billing, 16, "model AfterBroken { id Int @id }", "", "AfterBroken", "id"),
			pr(billing, 18, "model Unclosed {", "", "Unclosed", "id", "note"),
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			checkExtract(t, Prisma, tt.file, "prisma/"+tt.file, tt.want, noWrites)
		})
	}
}

// TestPrismaWrites: a required scalar field, or one with @default,
// @updatedAt or @id, is written on every create; an optional one
// (Type?) without them may be left NULL; at the field's line. Scalar
// lists stay unknown.
func TestPrismaWrites(t *testing.T) {
	const main = "prisma/schema.prisma"
	src := readTestdata(t, "prisma/"+main)
	got, err := Prisma.Extract(main, src)
	if err != nil || len(got) < 3 {
		t.Fatalf("Extract = %+v, %v", got, err)
	}
	lines := strings.Split(string(src), "\n")
	w := func(col string, always bool, line int) refs.Write {
		return refs.Write{Column: col, Always: always, Line: line, Snippet: strings.TrimSpace(lines[line-1])}
	}
	want := [][]refs.Write{
		{w("id", true, 17), w("email_address", true, 18), w("name", false, 19), w("role", true, 20),
			w("created_at", true, 23), w("search", false, 26)},
		{w("id", true, 33), w("bio", true, 34), w("user_id", true, 35)},
		{w("id", true, 42), w("title", true, 43), w("url", true, 44), w("published", true, 45),
			w("author_id", true, 46), w("meta", false, 49)},
	}
	for i, ws := range want {
		if diff := cmp.Diff(ws, got[i].Writes); diff != "" {
			t.Errorf("%s writes (-want +got):\n%s", got[i].Table, diff)
		}
	}
}

func TestPrismaNotModels(t *testing.T) {
	for name, src := range map[string]string{
		"empty":       "",
		"only enums":  "enum Role {\n  USER\n  ADMIN\n}\n",
		"only config": "datasource db {\n  provider = \"postgresql\"\n  url = env(\"DATABASE_URL\")\n}\n",
		"comments":    "// model Fake {\n//   id Int @id\n// }\n",
		"garbage":     "this is not { a schema\n}}}\n((\n",
	} {
		got, err := Prisma.Extract("schema.prisma", []byte(src))
		if err != nil || len(got) != 0 {
			t.Errorf("%s: Extract = %+v, %v; want nothing", name, got, err)
		}
	}
}

func TestPrismaMatch(t *testing.T) {
	for p, want := range map[string]bool{
		"schema.prisma":                             true,
		"prisma/schema.prisma":                      true,
		"prisma/schema/billing.prisma":              true,
		"prisma/migrations/x.sql":                   false,
		"node_modules/.prisma/client/schema.prisma": false,
	} {
		if got := Prisma.Match(p); got != want {
			t.Errorf("Match(%q) = %v, want %v", p, got, want)
		}
	}
}
