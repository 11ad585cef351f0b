package orm

import (
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/schemagate/schemagate/internal/refs"
	"github.com/schemagate/schemagate/internal/source"
)

// TestPrismaClientUses: the keys of Prisma Client calls that name a
// model's scalar fields, mapped to table and column through @@map and
// @map; relation keys read the related model; unknown accessors, other
// objects' methods and keys that are no field are not uses.
func TestPrismaClientUses(t *testing.T) {
	files := []*source.File{
		source.NewFile("prisma/schema.prisma", []byte(`model User {
  id        Int      @id @default(autoincrement())
  email     String   @unique
  fullName  String?  @map("full_name")
  posts     BlogPost[]
  @@map("users")
}

model BlogPost {
  id       Int    @id
  title    String
  authorId Int    @map("author_id")
  author   User   @relation(fields: [authorId], references: [id])
  @@map("blog_posts")
  @@schema("cms")
}
`)),
		source.NewFile("src/users.ts", []byte(`import { prisma } from "./db";

export async function list(email: string) {
  const users = await prisma.user.findMany({
    select: { email: true, fullName: true, posts: { select: { title: true } } },
    where: { email, OR: [{ fullName: { contains: "a" } }], posts: { some: { title: "x" } } },
    orderBy: [{ fullName: "asc" }],
  });
  await this.db.blogPost.create({ data: { title: "t", authorId: 1, author: { connect: { id: 1 } } } });
  await prisma.user.groupBy({ by: ["email"], _count: { fullName: true } });
  await prisma.order.findMany({ where: { email } });
  await cache.user.get({ select: { email: true } });
  await prisma.user.findMany({ include: { posts: { where: { authorId: 2 } } }, nickname: true });
  return users;
}
`)),
	}
	got, err := PrismaClient.ExtractFiles(files)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range got {
		if r.Usage != refs.Attribute || r.Source != refs.Prisma || r.Certainty != refs.Resolved {
			t.Errorf("reference %+v is not a resolved Prisma attribute use", r)
		}
	}
	uses := placesOf(got, func(refs.Reference) bool { return true }, false)
	u := "src/users.ts"
	want := []string{
		u + ":5 users.email", u + ":5 users.full_name", u + ":5 cms.blog_posts.title",
		u + ":6 users.email", u + ":6 users.full_name", u + ":6 cms.blog_posts.title",
		u + ":7 users.full_name",
		u + ":9 cms.blog_posts.title", u + ":9 cms.blog_posts.author_id",
		u + ":10 users.email", u + ":10 users.full_name",
		u + ":13 cms.blog_posts.author_id",
	}
	if diff := cmp.Diff(want, uses, cmpopts.SortSlices(func(a, b string) bool { return a < b })); diff != "" {
		t.Errorf("Prisma Client uses (-want +got):\n%s", diff)
	}
}

// placesOf renders the references keep selects as "file:line
// [schema.]table.column", with the certainty when asked.
func placesOf(rs []refs.Reference, keep func(refs.Reference) bool, certainty bool) []string {
	var out []string
	for _, r := range rs {
		if !keep(r) {
			continue
		}
		table := r.Table
		if r.Schema != "" {
			table = r.Schema + "." + table
		}
		s := fmt.Sprintf("%s:%d %s.%s", r.File, r.Line, table, r.Column)
		if certainty {
			s += " " + string(r.Certainty)
		}
		out = append(out, s)
	}
	return out
}
