package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
)

// Pet holds the schema definition for the Pet entity.
type Pet struct {
	ent.Schema
}

func (Pet) Fields() []ent.Field {
	return []ent.Field{
		field.String("name"),
		field.Int("owner_id").Optional(),
	}
}

func (Pet) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("owner", User.Type).Ref("pets").Unique().Field("owner_id"),
	}
}

// Card has no back reference: the unique edge from User is a
// many-to-one, and ent keeps its key in users (user_card).
type Card struct {
	ent.Schema
}

func (Card) Fields() []ent.Field {
	return []ent.Field{field.String("number")}
}

// CardRequest is not a schema.
type CardRequest struct {
	Number string `json:"number"`
}
