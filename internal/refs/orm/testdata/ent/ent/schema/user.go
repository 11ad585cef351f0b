package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/dialect/entsql"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/mixin"
)

const nickColumn = "nick"

// User holds the schema definition for the User entity.
type User struct {
	ent.Schema
}

func (User) Mixin() []ent.Mixin {
	return []ent.Mixin{mixin.Time{}, AuditMixin{}}
}

func (User) Fields() []ent.Field {
	return []ent.Field{
		field.String("nickname").StorageKey(nickColumn),
		field.Int("age").Positive(),
		field.Enum("status").Values("active", "banned"),
	}
}

func (User) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("pets", Pet.Type),
		edge.To("groups", Group.Type),
		edge.To("card", Card.Type).Unique(),
	}
}

// Group is a group of users, stored in "teams".
type Group struct {
	ent.Schema
}

func (Group) Annotations() []schema.Annotation {
	return []schema.Annotation{entsql.Annotation{Table: "teams"}}
}

func (Group) Fields() []ent.Field {
	return []ent.Field{field.String("name")}
}

func (Group) Edges() []ent.Edge {
	return []ent.Edge{edge.From("users", User.Type).Ref("groups")}
}
