package orm

import (
	"io/fs"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/schemagate/schemagate/internal/source"
)

// testdataFiles maps each testdata file to the path an extractor sees
// (without the leading ORM directory) and its content.
func testdataFiles(t *testing.T) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	err := filepath.WalkDir("testdata", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel := filepath.ToSlash(strings.TrimPrefix(p, "testdata"+string(filepath.Separator)))
		files[rel] = readTestdata(t, rel)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// Every extractor runs on every file it matches; only the right one
// finds models there.
func TestExtractorsRouting(t *testing.T) {
	got := map[string][]string{}
	for rel, src := range testdataFiles(t) {
		_, p, _ := strings.Cut(rel, "/")
		for _, x := range Extractors() {
			if !x.Match(p) {
				continue
			}
			refs, err := x.Extract(p, src)
			if err != nil {
				t.Errorf("%s.Extract(%s): %v", x.Name(), p, err)
			}
			if len(refs) > 0 {
				got[x.Name()] = append(got[x.Name()], rel)
			}
		}
	}
	for _, v := range got {
		sort.Strings(v)
	}
	want := map[string][]string{
		"activerecord": {
			"rails/app/models/admin/audit_log.rb", "rails/app/models/billing/invoice.rb", "rails/app/models/broken.rb",
			"rails/app/models/bus.rb", "rails/app/models/ci/bridge.rb", "rails/app/models/ci/build.rb", "rails/app/models/order.rb", "rails/app/models/post.rb", "rails/app/models/project.rb",
			"rails/app/models/staff.rb", "rails/app/models/user.rb", "rails/app/models/vehicle.rb",
		},
		"django": {"django/blog/models/post.py", "django/broken/models.py", "django/shop/models.py"},
		// The ModelForm's Meta fields, in the models file; self.title
		// and i.quantity in the shop models' methods.
		"django-attributes": {"django/blog/models/post.py", "django/shop/models.py"},
		"sqlalchemy":        {"sqlalchemy/app/db/models_v2.py", "sqlalchemy/app/models.py", "sqlalchemy/flaskapp/models.py"},
		"prisma":            {"prisma/prisma/schema.prisma", "prisma/prisma/schema/billing.prisma"},
		"gorm":              {"gorm/internal/model/models.go"},
		"sqlx":              {"sqlx/store/users.go"},
		"ent":               {"ent/ent/schema/pet.go", "ent/ent/schema/user.go"},
		"bun":               {"bun/store/models.go"},
		"sqlboiler":         {"sqlboiler/models/users.go"},
		// One file at a time: most query files need the program's models
		// (a raw-table TypeORM query builder does not).
		"javascript-orm": {
			"drizzle/src/db/schema.ts", "knex/src/users.js", "kysely/src/repo.ts",
			"mikroorm/src/entities/Author.ts", "mikroorm/src/entities/Publisher.ts",
			"sequelize-ts/src/models/account.model.ts", "sequelize-ts/src/models/owner.model.ts",
			"sequelize/models/company.js", "sequelize/models/post.js", "sequelize/models/user.js",
			"typeorm/src/entities/company.entity.ts", "typeorm/src/entities/role.entity.ts", "typeorm/src/entities/user.entity.ts",
			"typeorm/src/users/users.service.ts",
		},
		"jvm-orm": {
			"jpa/src/main/java/com/shop/domain/Company.java", "jpa/src/main/java/com/shop/domain/Customer.java",
			"jpa/src/main/java/com/shop/domain/Order.java", "jpa/src/main/java/com/shop/domain/Vehicle.java",
			"jpa/src/main/java/com/shop/report/AccountReport.java", "jpa/src/main/kotlin/com/shop/billing/Invoice.kt",
		},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("files with references per extractor (-want +got):\n%s", diff)
	}
}

// Truncated files (every prefix at a stride) must never panic; the
// extractors return what parses.
func TestTruncatedInputDoesNotPanic(t *testing.T) {
	for rel, src := range testdataFiles(t) {
		_, p, _ := strings.Cut(rel, "/")
		for _, x := range Extractors() {
			if !x.Match(p) {
				continue
			}
			for n := 0; n < len(src); n += 53 {
				func() {
					defer func() {
						if r := recover(); r != nil {
							t.Fatalf("%s.Extract(%s[:%d]) panicked: %v", x.Name(), p, n, r)
						}
					}()
					_, _ = x.Extract(p, src[:n])
				}()
			}
		}
	}
}

func TestExtractorNames(t *testing.T) {
	var names []string
	for _, x := range Extractors() {
		names = append(names, x.Name())
	}
	want := []string{"activerecord", "django", "django-attributes", "sqlalchemy", "prisma", "prisma-client", "gorm", "sqlx", "ent", "bun", "sqlboiler", "javascript-orm", "jvm-orm"}
	if diff := cmp.Diff(want, names); diff != "" {
		t.Errorf("Extractors() names (-want +got):\n%s", diff)
	}
}

func TestSnippet(t *testing.T) {
	long := "    class " + strings.Repeat("É", 200) + " < ApplicationRecord  "
	f := source.NewFile("x.rb", []byte("# first\n"+long+"\n"))
	got := snippet(f, 2)
	if n := len([]rune(got)); n != maxSnippet {
		t.Errorf("snippet has %d runes, want %d", n, maxSnippet)
	}
	if !strings.HasPrefix(got, "class É") {
		t.Errorf("snippet = %q, want it trimmed", got)
	}
	if got := snippet(f, 1); got != "# first" {
		t.Errorf("short snippet = %q", got)
	}
}
