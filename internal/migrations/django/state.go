package django

import (
	"slices"
	"strings"
)

// field is a model field as the migration state holds it.
type field struct {
	name  string
	class string // the field class's own name: "CharField"
	call  *value // the field's constructor call in the migration
	// span of the field's definition (the ("name", models.X()) tuple or
	// the field= argument), for column spans.
	start, end int

	internal string // Django's internal type: CharField, ForeignKey, ...
	known    bool   // the class is one schemagate knows

	dbColumn     string
	null         bool
	blank        bool
	primaryKey   bool
	unique       bool
	dbIndex      bool
	hasDefault   bool
	def          *value
	dbDefault    *value
	maxLength    int // 0: none
	maxDigits    int
	decimalPlace int
	autoNow      bool
	autoNowAdd   bool
	dbCollation  string
	dbComment    string

	// Relations: remote is "app.model" (model lowercased).
	remote       string
	toField      string
	dbConstraint bool
	// hiddenRelation is a related_name ending in "+": Django leaves such
	// foreign keys alone when their target model is renamed.
	hiddenRelation bool
	m2m            bool
	through        string // explicit through model ("app.model"), "" when auto-created
	m2mTable       string // ManyToManyField(db_table=...)

	baseField *field // ArrayField
	noColumn  bool   // a field without a column of its own (TaggableManager, GenericRelation)
}

func (f *field) column() string {
	if f.dbColumn != "" {
		return f.dbColumn
	}
	if f.isFK() {
		return f.name + "_id"
	}
	return f.name
}

func (f *field) isFK() bool { return f.internal == "ForeignKey" || f.internal == "OneToOneField" }

func (f *field) isAuto() bool {
	switch f.internal {
	case "AutoField", "BigAutoField", "SmallAutoField":
		return true
	}
	return false
}

// hasColumn reports whether the field is a column of its model's table.
func (f *field) hasColumn() bool { return !f.m2m && !f.noColumn }

func (f *field) clone() *field {
	c := *f
	return &c
}

// indexDef is a models.Index (or a contrib.postgres index) of a model.
type indexDef struct {
	name        string
	fields      []string // "-created" for descending
	expressions []*value
	opclasses   []string
	condition   *value
	include     []string
	method      string // "" for btree, "gin", "gist", ...
	call        *value
}

// constraintDef is a CheckConstraint, UniqueConstraint or
// ExclusionConstraint of a model.
type constraintDef struct {
	kind          string // "check", "unique", "exclusion"
	name          string
	check         *value
	fields        []string
	condition     *value
	deferrable    string // "", "deferred", "immediate"
	include       []string
	opclasses     []string
	expressions   []*value
	nullsDistinct *bool
	call          *value
}

// model is one model of the migration state.
type model struct {
	app    string
	name   string // as written: "Order"
	fields []*field

	dbTable        string
	uniqueTogether [][]string
	indexTogether  [][]string
	indexes        []*indexDef
	constraints    []*constraintDef
	managed        bool
	proxy          bool
	orderWRT       string
	userManager    bool // has UserManager: a custom user model
	builtin        bool // a django.contrib model not defined by the migrations read
	autoCreated    bool // an M2M table Django made for a ManyToManyField
	assumed        bool // referenced but never defined: names are guessed
	dbTableComment string
}

func (m *model) key() string { return m.app + "." + strings.ToLower(m.name) }

// table is the model's db_table: Meta.db_table or "<app>_<model>",
// truncated as Django truncates it.
func (m *model) table() string {
	if m.dbTable != "" {
		return m.dbTable
	}
	return truncateName(m.app+"_"+strings.ToLower(m.name), maxNameLength)
}

// fieldWhere is the first field of m that match accepts, or nil.
func (m *model) fieldWhere(match func(*field) bool) *field {
	for _, f := range m.fields {
		if match(f) {
			return f
		}
	}
	return nil
}

func (m *model) field(name string) *field {
	return m.fieldWhere(func(f *field) bool { return f.name == name })
}

// fieldByAttr finds a field by name, or by attname ("user_id").
func (m *model) fieldByAttr(name string) *field {
	if f := m.field(name); f != nil {
		return f
	}
	return m.fieldWhere(func(f *field) bool { return f.isFK() && f.name+"_id" == name })
}

func (m *model) pk() *field { return m.fieldWhere(func(f *field) bool { return f.primaryKey }) }

// migrated reports whether Django runs schema changes for the model.
func (m *model) migrated() bool { return m.managed && !m.proxy }

func (m *model) clone() *model {
	c := *m
	c.fields = make([]*field, len(m.fields))
	for i, f := range m.fields {
		c.fields[i] = f.clone()
	}
	c.uniqueTogether = append([][]string(nil), m.uniqueTogether...)
	c.indexTogether = append([][]string(nil), m.indexTogether...)
	c.indexes = append([]*indexDef(nil), m.indexes...)
	c.constraints = append([]*constraintDef(nil), m.constraints...)
	return &c
}

// state is the project state: every app's models, replayed migration by
// migration.
type state struct {
	models map[string]*model // "app.model"
	// order is the order models entered the state, which is the order
	// Django's app registry lists them (and so their reverse relations).
	order []string
	// userModel is settings.AUTH_USER_MODEL, lowercased model.
	userModel string
	// autoField is the app's default primary key class (from the
	// auto-created id fields makemigrations wrote), for M2M tables.
	autoField map[string]string
	// fixedAutoField is Django.DefaultAutoField, when set.
	fixedAutoField string
}

func newState(userModel string) *state {
	return &state{models: map[string]*model{}, userModel: normalModelRef(userModel, ""), autoField: map[string]string{}}
}

// normalModelRef turns a reference ("shop.Customer", "Customer", "self")
// into "app.model" in lower case model name.
func normalModelRef(ref, app string) string {
	if i := strings.IndexByte(ref, '.'); i >= 0 {
		return ref[:i] + "." + strings.ToLower(ref[i+1:])
	}
	return app + "." + strings.ToLower(ref)
}

// builtinModels are the django.contrib models apps refer to most, with
// their tables and primary keys: their migrations live in Django itself.
var builtinModels = map[string]struct {
	table, pk, pkClass string
}{
	"auth.user":                {"auth_user", "id", "AutoField"},
	"auth.group":               {"auth_group", "id", "AutoField"},
	"auth.permission":          {"auth_permission", "id", "AutoField"},
	"contenttypes.contenttype": {"django_content_type", "id", "AutoField"},
	"sites.site":               {"django_site", "id", "AutoField"},
	"admin.logentry":           {"django_admin_log", "id", "AutoField"},
	"sessions.session":         {"django_session", "session_key", "CharField"},
	"flatpages.flatpage":       {"django_flatpage", "id", "AutoField"},
	"redirects.redirect":       {"django_redirect", "id", "AutoField"},
}

// lookup returns the model for "app.model", synthesising django.contrib
// models and models from apps outside the migrations read.
func (s *state) lookup(key string) *model {
	if m, ok := s.models[key]; ok {
		return m
	}
	app, name, _ := strings.Cut(key, ".")
	m := &model{app: app, name: name, managed: true}
	if b, ok := builtinModels[key]; ok {
		m.builtin = true
		m.dbTable = b.table
		pk := &field{name: b.pk, class: b.pkClass, internal: b.pkClass, known: true, primaryKey: true, unique: true}
		if b.pkClass == "CharField" {
			pk.maxLength = 40
		}
		m.fields = []*field{pk}
	} else {
		m.assumed = true
		m.fields = []*field{{name: "id", class: "BigAutoField", internal: "BigAutoField", known: true, primaryKey: true, unique: true}}
	}
	s.models[key] = m
	return m
}

// add puts a model in the state, at the end of the order when new.
func (s *state) add(m *model) {
	key := m.key()
	if _, ok := s.models[key]; !ok || !slices.Contains(s.order, key) {
		s.order = append(s.order, key)
	}
	s.models[key] = m
}

// remove takes a model out of the state.
func (s *state) remove(key string) {
	delete(s.models, key)
	s.order = slices.DeleteFunc(s.order, func(k string) bool { return k == key })
}

// ordered lists the models the migrations defined, in registry order.
func (s *state) ordered() []*model {
	out := make([]*model, 0, len(s.order))
	for _, k := range s.order {
		if m := s.models[k]; m != nil {
			out = append(out, m)
		}
	}
	return out
}

// get returns a model the migrations defined, or nil.
func (s *state) get(key string) *model { return s.models[key] }

// resolveRemote resolves a relation target as written in the migration.
func (s *state) resolveRemote(ref, app string) string {
	if ref == "self" {
		return ""
	}
	key := normalModelRef(ref, app)
	return key
}

// defaultAutoField is the primary key class Django gives the models it
// creates itself (M2M through tables) in an app.
func (s *state) defaultAutoField(app string) string {
	if s.fixedAutoField != "" {
		return s.fixedAutoField
	}
	if c := s.autoField[app]; c != "" {
		return c
	}
	if c := s.autoField[""]; c != "" {
		return c
	}
	return "AutoField"
}
