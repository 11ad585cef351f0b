package orm

import (
	"sort"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/schemagate/schemagate/internal/refs"
	"github.com/schemagate/schemagate/internal/source"
)

// extractSources runs a FilesExtractor over in-memory files.
func extractSources(t *testing.T, x refs.FilesExtractor, files map[string]string) []string {
	t.Helper()
	var fs []*source.File
	for p, src := range files {
		fs = append(fs, source.NewFile(p, []byte(src)))
	}
	sort.Slice(fs, func(i, j int) bool { return fs[i].Path < fs[j].Path })
	rs, err := x.ExtractFiles(fs)
	if err != nil {
		t.Fatal(err)
	}
	checkSnippets(t, fs, rs)
	return refLines(rs)
}

func checkLines(t *testing.T, name string, want, got []string) {
	t.Helper()
	sort.Strings(want)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("%s (-want +got):\n%s", name, diff)
	}
}

// TypeORM stages a drop with select: false plus insert: false and
// update: false, or by removing the property. select: false alone still
// inserts the column (DEFAULT), so the column keeps an Insert use.
func TestTypeORMStagedDrop(t *testing.T) {
	idx := refs.NewIndex(extractTree(t, JavaScript, "typeorm"))
	uses := func(col string) []string {
		var out []string
		for _, r := range idx.Column("", "users", col) {
			out = append(out, refLine(r))
		}
		return out
	}
	if got := uses("legacy"); len(got) != 0 {
		t.Errorf("legacy (select, insert and update false) is used: %v", got)
	}
	checkLines(t, "passwordHash (select: false)", []string{
		"src/entities/user.entity.ts:22:3 users.passwordHash insert resolved typeorm",
	}, uses("passwordHash"))
	if got := uses("nickname"); len(got) != 3 {
		t.Errorf("nickname: want the entity and two queries, got %v", got)
	}
}

const typeormUser = `import { Entity, Column, PrimaryGeneratedColumn, ManyToOne } from "typeorm";
@Entity()
export class UserProfile {
  @PrimaryGeneratedColumn() id: number;
  @Column() displayName: string;
  @ManyToOne(() => UserProfile) parentProfile: UserProfile;
}
`

func TestTypeORMNamingStrategies(t *testing.T) {
	for _, tt := range []struct {
		name, config string
		want         []string
	}{
		{"default", ``, []string{"user.ts:3:14 user_profile model resolved typeorm cols=id,displayName,parentProfileId"}},
		{"snake", `import { DataSource } from "typeorm";
import { SnakeNamingStrategy } from "typeorm-naming-strategies";
export const ds = new DataSource({ type: "postgres", namingStrategy: new SnakeNamingStrategy() });
`, []string{"user.ts:3:14 user_profile model resolved typeorm cols=id,display_name,parent_profile_id"}},
		{"custom", `import { DataSource } from "typeorm";
export const ds = new DataSource({ type: "postgres", namingStrategy: new MyNaming() });
`, []string{"user.ts:3:14 user_profile model ambiguous typeorm cols=id,displayName,parentProfileId"}},
	} {
		files := map[string]string{"user.ts": typeormUser}
		if tt.config != "" {
			files["data-source.ts"] = tt.config
		}
		checkLines(t, tt.name, tt.want, extractSources(t, JavaScript, files))
	}
}

func TestTypeORMEntitySchemaAndChildEntities(t *testing.T) {
	got := extractSources(t, JavaScript, map[string]string{
		"schema.js": `const { EntitySchema } = require("typeorm");
module.exports = new EntitySchema({
  name: "Category",
  tableName: "categories",
  columns: {
    id: { primary: true, type: "int", generated: true },
    label: { type: "varchar", name: "title" },
    secret: { type: "varchar", select: false },
  },
  relations: { parent: { type: "many-to-one", target: "Category", joinColumn: { name: "parent_id" } } },
});
`,
		"content.ts": `import { Entity, Column, PrimaryGeneratedColumn, TableInheritance, ChildEntity } from "typeorm";
@Entity()
@TableInheritance({ column: { type: "varchar", name: "kind" } })
export class Content {
  @PrimaryGeneratedColumn() id: number;
  @Column() title: string;
}
@ChildEntity()
export class Photo extends Content {
  @Column() size: number;
}
`,
	})
	checkLines(t, "EntitySchema and @ChildEntity", []string{
		"content.ts:4:14 content model resolved typeorm cols=id,title,kind",
		"content.ts:9:14 content model resolved typeorm cols=id,title,kind,size",
		"schema.js:2:18 categories model resolved typeorm cols=id,title,secret,parent_id ignored=secret",
		"schema.js:8:5 categories.secret insert resolved typeorm",
	}, got)
}

func TestMikroORMEntityCaseNaming(t *testing.T) {
	got := extractSources(t, JavaScript, map[string]string{
		"book.ts": `import { Entity, PrimaryKey, Property } from "@mikro-orm/core";
@Entity()
export class BookTitle {
  @PrimaryKey() id!: number;
  @Property() fullName!: string;
}
`,
		"mikro-orm.config.ts": `import { EntityCaseNamingStrategy } from "@mikro-orm/core";
export default { namingStrategy: EntityCaseNamingStrategy };
`,
	})
	checkLines(t, "EntityCaseNamingStrategy", []string{"book.ts:3:14 BookTitle model resolved mikroorm cols=id,fullName"}, got)
}

func TestSequelizeGlobalDefine(t *testing.T) {
	got := extractSources(t, JavaScript, map[string]string{
		"db.js": `const { Sequelize, DataTypes } = require("sequelize");
const sequelize = new Sequelize(process.env.DATABASE_URL, { define: { underscored: true, freezeTableName: true, timestamps: false } });
const LineItem = sequelize.define("LineItem", { unitPrice: DataTypes.INTEGER });
module.exports = { sequelize, LineItem };
`,
	})
	checkLines(t, "define defaults", []string{"db.js:3:28 LineItem model resolved sequelize cols=id,unit_price"}, got)
}

func TestKnexSnakeCaseMappers(t *testing.T) {
	got := extractSources(t, JavaScript, map[string]string{
		"db.ts": `import Knex from "knex";
import { knexSnakeCaseMappers } from "objection";
export const db = Knex({ client: "pg", ...knexSnakeCaseMappers() });
export const rows = () => db("userAccounts").select("firstName");
`,
	})
	checkLines(t, "knexSnakeCaseMappers", []string{
		"db.ts:4:31 user_accounts select resolved knex",
		"db.ts:4:54 user_accounts.first_name select resolved knex",
	}, got)
}

func TestJPANamingStrategies(t *testing.T) {
	entity := `package a;
import javax.persistence.*;
@Entity
public class LineItem {
    @Id private Long id;
    private int unitPrice;
    @Column(name = "taxRate") private int tax;
}
`
	for _, tt := range []struct {
		name   string
		config string
		spring bool
		want   string
	}{
		{"plain Hibernate", "", false, "LineItem.java:4:14 LineItem model resolved jpa cols=id,unitPrice,taxRate"},
		{"Spring Boot", "", true, "LineItem.java:4:14 line_item model resolved jpa cols=id,unit_price,tax_rate"},
		{"Spring Boot, standard physical naming", "spring.jpa.hibernate.naming.physical-strategy=org.hibernate.boot.model.naming.PhysicalNamingStrategyStandardImpl\n", true,
			"LineItem.java:4:14 LineItem model resolved jpa cols=id,unitPrice,taxRate"},
		{"custom physical naming", "spring:\n  jpa:\n    hibernate:\n      naming:\n        physical-strategy: com.acme.PrefixNaming\n", true,
			"LineItem.java:4:14 line_item model ambiguous jpa cols=id,unit_price,tax_rate"},
	} {
		files := map[string]string{"LineItem.java": entity}
		if tt.spring {
			files["App.java"] = "package a;\nimport org.springframework.boot.autoconfigure.SpringBootApplication;\n@SpringBootApplication class App {}\n"
		}
		if tt.config != "" {
			files["src/main/resources/application.yml"] = tt.config
		}
		checkLines(t, tt.name, []string{tt.want}, extractSources(t, JVM, files))
	}
}

func TestJPASingleTableInheritance(t *testing.T) {
	got := extractSources(t, JVM, map[string]string{
		"Payment.java": `package p;
import jakarta.persistence.*;
@Entity
@DiscriminatorColumn(name = "kind")
public abstract class Payment {
    @Id private Long id;
    private long amount;
}
`,
		"CardPayment.java": `package p;
import jakarta.persistence.*;
@Entity
public class CardPayment extends Payment {
    private String lastDigits;
    @OneToOne(mappedBy = "payment") private Receipt receipt;
}
`,
	})
	checkLines(t, "SINGLE_TABLE", []string{
		"CardPayment.java:4:14 Payment model resolved jpa cols=kind,id,amount,lastDigits",
		"Payment.java:5:23 Payment model resolved jpa cols=kind,id,amount",
	}, got)
}

// A schema's methods and constants may sit in other files of the
// package.
func TestEntMethodsAcrossFiles(t *testing.T) {
	got := extractSources(t, Ent, map[string]string{
		"ent/schema/post.go": `package schema

import "entgo.io/ent"

type Post struct {
	ent.Schema
}
`,
		"ent/schema/post_fields.go": `package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/schema/field"
)

func (Post) Fields() []ent.Field {
	return []ent.Field{field.String(titleField)}
}
`,
		"ent/schema/names.go": "package schema\n\nimport _ \"entgo.io/ent\"\n\nconst titleField = \"headline\"\n",
	})
	checkLines(t, "methods across files", []string{"ent/schema/post.go:5:6 posts model resolved ent cols=id,headline"}, got)
}
