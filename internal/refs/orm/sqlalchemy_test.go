package orm

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/schemagate/schemagate/internal/refs"
)

func sa(file string, line, col int, snippet, table string, cols ...string) refs.Reference {
	return withColumns(model(refs.SQLAlchemy, file, line, col, snippet, table), cols...)
}

func TestSQLAlchemyExtract(t *testing.T) {
	const v1 = "app/models.py"
	const v2 = "app/db/models_v2.py"
	const flask = "flaskapp/models.py"
	tests := []struct {
		file string
		want []refs.Reference
	}{
		{v1, []refs.Reference{
			sa(v1, 8, 13, "post_tags = Table(", "post_tags", "post_id", "tag_id"),
			sa(v1, 21, 1, "class User(TimestampMixin, Base):", "users",
				"created_at", "updated_at", "id", "email_address", "password_hash", "bio", "is_admin"),
			withSchema(sa(v1, 41, 1, "class Post(TimestampMixin, Base):", "posts",
				"created_at", "updated_at", "id", "author_id", "title", "body"), "blog"),
			sa(v1, 55, 1, "class Tag(Base):", "tags", "id", "name"),
			sa(v1, 61, 1, "class Employee(Base):", "employees", "id", "type", "name"),
			// Single-table inheritance: the parent's table gains a column.
			sa(v1, 69, 1, "class Manager(Employee):", "employees", "id", "type", "name", "manager_level"),
			// Joined inheritance: its own table.
			sa(v1, 74, 1, "class Engineer(Employee):", "engineers", "id", "language"),
		}},
		{v2, []refs.Reference{
			sa(v2, 16, 1, "class Account(Base):", "accounts", "id", "name", "nickname", "created_at", "owner_id", "is_legacy"),
			withSchema(sa(v2, 34, 1, "class Invoice(Base):", "invoices", "id", "number", "account_id"), "billing"),
		}},
		{flask, []refs.Reference{
			sa(flask, 7, 1, "class BlogPost(db.Model):", "blog_post", "id", "title", "author_id"),
			sa(flask, 13, 1, "class APIToken(db.Model):", "api_tokens", "id", "token"),
			sa(flask, 19, 15, "roles_users = db.Table(", "roles_users", "user_id", "role_id"),
			sa(flask, 30, 1, "class Hero(HeroBase, table=True):", "hero", "name", "id", "secret_name", "team_id", "power_level"),
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			checkExtract(t, SQLAlchemy, tt.file, "sqlalchemy/"+tt.file, tt.want, noWrites)
		})
	}
}

func TestSQLAlchemyNotModels(t *testing.T) {
	srcs := map[string]string{
		// Django models, pydantic schemas, rich tables: no SQLAlchemy.
		"shop/models.py":  string(readTestdata(t, "django/shop/models.py")),
		"api/schemas.py":  "from pydantic import BaseModel\n\nclass UserOut(BaseModel):\n    id: int\n    email: str\n",
		"cli/report.py":   "from rich.table import Table\n\nt = Table(\"Name\", \"Age\")\n",
		"app/services.py": "def total(order):\n    return Column(order)\n",
	}
	for p, src := range srcs {
		got, err := SQLAlchemy.Extract(p, []byte(src))
		if err != nil || len(got) != 0 {
			t.Errorf("Extract(%s) = %+v, %v; want nothing", p, got, err)
		}
	}
}

func TestSQLAlchemyBrokenFile(t *testing.T) {
	src := `from sqlalchemy import Column, Integer
from sqlalchemy.orm import declarative_base

Base = declarative_base()


class Broken(Base):
    __tablename__ = "broken"
    id = Column(Integer, primary_key=True
    def oops(self:
        pass


class Fine(Base):
    __tablename__ = "fine"
    id = Column(Integer, primary_key=True)
`
	got, err := SQLAlchemy.Extract("app/models.py", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	want := []refs.Reference{sa("app/models.py", 14, 1, "class Fine(Base):", "fine", "id")}
	checkRefs(t, want, got, noWrites)
}

func TestFlaskTableName(t *testing.T) {
	// Expected values from Flask-SQLAlchemy's camel_to_snake_case regexp,
	// run in Python.
	for name, want := range map[string]string{
		"BlogPost": "blog_post", "APIToken": "api_token", "User2FA": "user2_fa",
		"HTTPResponseCode": "http_response_code", "Hero": "hero", "_Private": "private", "ABC": "abc",
	} {
		if got := flaskTableName(name); got != want {
			t.Errorf("flaskTableName(%q) = %q, want %q", name, got, want)
		}
	}
}

// TestSQLAlchemyWrites: each mapped column says whether the model's
// inserts always give it a value (NOT NULL, a default, the primary key,
// an Identity) or may leave it NULL (a plain Column, nullable=True, an
// Optional annotation), at the line that defines it; mixin columns are
// inherited and a subclass's own definition wins.
func TestSQLAlchemyWrites(t *testing.T) {
	src := `from typing import Optional
from sqlalchemy import Column, Identity, Integer, String, func
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlmodel import Field, SQLModel


class Base(DeclarativeBase):
    pass


class Audited:
    created_by = Column(String, nullable=False)


class Invoice(Audited, Base):
    __tablename__ = "invoices"

    id = Column(Integer, Identity(), primary_key=True)
    number = Column(String(20), nullable=False)
    memo = Column(String)
    state = Column(String, default="new")
    issued_at = Column(String, server_default=func.now())
    total: Mapped[int]
    note: Mapped[Optional[str]]
    account_id: Mapped[int] = mapped_column()
    parent_id: Mapped[int | None] = mapped_column()
    ref: Mapped[str] = mapped_column(nullable=True)
    code = mapped_column(String)
    flag = Column(String, nullable=FLAGS)


class Hero(SQLModel, table=True):
    id: Optional[int] = Field(default=None, primary_key=True)
    name: str
    age: Optional[int] = None
    team: str = "none"
    power: Optional[str] = Field(default=None)
`
	got, err := SQLAlchemy.Extract("app/models.py", []byte(src))
	if err != nil || len(got) != 2 {
		t.Fatalf("Extract = %+v, %v; want two models", got, err)
	}
	lines := strings.Split(src, "\n")
	w := func(col string, always bool, line int) refs.Write {
		return refs.Write{Column: col, Always: always, Line: line, Snippet: strings.TrimSpace(lines[line-1])}
	}
	invoice := []refs.Write{
		w("id", true, 18), w("number", true, 19), w("memo", false, 20), w("state", true, 21),
		w("issued_at", true, 22), w("total", true, 23), w("note", false, 24), w("account_id", true, 25),
		w("parent_id", false, 26), w("ref", false, 27), w("code", false, 28),
		w("created_by", true, 12),
	}
	if diff := cmp.Diff(invoice, got[0].Writes); diff != "" {
		t.Errorf("Invoice writes (-want +got):\n%s", diff)
	}
	hero := []refs.Write{w("id", true, 33), w("name", true, 34), w("age", false, 35), w("team", true, 36), w("power", false, 37)}
	if diff := cmp.Diff(hero, got[1].Writes); diff != "" {
		t.Errorf("Hero writes (-want +got):\n%s", diff)
	}
}
