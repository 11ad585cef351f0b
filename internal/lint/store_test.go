package lint

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/schemagate/schemagate/internal/catalog"
	"github.com/schemagate/schemagate/internal/config"
	"github.com/schemagate/schemagate/internal/migrations/migration"
	"github.com/schemagate/schemagate/rules"
)

// memStore is a Store in memory that counts what it is asked.
type memStore struct {
	m          map[string][]rules.Finding
	gets, hits int
}

func (s *memStore) Get(key string) ([]rules.Finding, bool) {
	s.gets++
	f, ok := s.m[key]
	if ok {
		s.hits++
	}
	return f, ok
}

func (s *memStore) Put(key string, f []rules.Finding) {
	if s.m == nil {
		s.m = map[string][]rules.Finding{}
	}
	s.m[key] = f
}

var storeTexts = [][2]string{
	{"db/001_create.sql", "CREATE TABLE users (id bigint PRIMARY KEY, email varchar(80));\n"},
	{"db/002_index.sql", "CREATE INDEX users_email ON users (email);\nALTER TABLE users ALTER COLUMN email TYPE text;\n"},
}

func storeUnits(texts [][2]string) []*migration.Migration {
	var out []*migration.Migration
	for _, t := range texts {
		out = append(out, unit(t[0], t[1]))
	}
	return out
}

// TestStoreHit: a second run over the same migrations reads the first
// run's findings and parses nothing.
func TestStoreHit(t *testing.T) {
	s := &memStore{}
	want := Run(storeUnits(storeTexts), Options{Catalog: catalog.New(), Store: s})
	if len(want) == 0 {
		t.Fatal("no findings to cache")
	}
	units := storeUnits(storeTexts)
	got := Run(units, Options{Catalog: catalog.New(), Store: s})
	if s.hits != 1 {
		t.Errorf("%d hits in %d lookups, want the second run to hit", s.hits, s.gets)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("cached findings (-want +got):\n%s", diff)
	}
	for _, u := range units {
		if u.Statements != nil || u.SyntaxErrors != nil || u.Ops != nil {
			t.Errorf("%s was parsed on a hit", u.Path)
		}
	}
}

// TestStoreKey: whatever the findings depend on changes the key.
func TestStoreKey(t *testing.T) {
	key := func(texts [][2]string, opt Options) string {
		if opt.Catalog == nil {
			opt.Catalog = catalog.New()
		}
		opt.Store = &memStore{}
		cfg := opt.Config
		if cfg == nil {
			cfg = config.Default()
		}
		return storeKey(storeUnits(texts), opt, cfg.PGVersion+opt.PGVersion, activeRules(cfg, opt.Rules), cfg)
	}
	base := key(storeTexts, Options{})
	if base == "" {
		t.Fatal("no key for a plain run")
	}
	if again := key(storeTexts, Options{}); again != base {
		t.Error("the same run gave another key")
	}
	edited := [][2]string{storeTexts[0], {storeTexts[1][0], storeTexts[1][1] + "\n"}}
	renamed := [][2]string{storeTexts[0], {"db/003_index.sql", storeTexts[1][1]}}
	reordered := [][2]string{storeTexts[1], storeTexts[0]}
	fewer := storeTexts[:1]
	off := config.Default()
	off.SetSeverity("prefer-text-field", rules.Off)
	hint := config.Default()
	hint.SetSeverity("prefer-text-field", rules.Hint)
	for name, k := range map[string]string{
		"an edited file":       key(edited, Options{}),
		"a renamed file":       key(renamed, Options{}),
		"files in other order": key(reordered, Options{}),
		"a file fewer":         key(fewer, Options{}),
		"another pg version":   key(storeTexts, Options{PGVersion: 1}),
		"a rule set off":       key(storeTexts, Options{Config: off}),
		"a rule's severity":    key(storeTexts, Options{Config: hint}),
		"only some rules":      key(storeTexts, Options{Rules: rules.All()[:3]}),
		"a base schema":        key(storeTexts, Options{StoreBase: "schema"}),
	} {
		if k == base || k == "" {
			t.Errorf("%s: key %q, want a key of its own", name, k)
		}
	}
	// Runs whose findings depend on more than the key names use no store.
	filled := catalog.New()
	filled.Order++
	framework := storeUnits(storeTexts)
	framework[1].Framework = true
	for name, opt := range map[string]Options{
		"a schema before":      {Catalog: filled},
		"compatibility checks": {Compat: noUses{}},
	} {
		if k := key(storeTexts, opt); k != "" {
			t.Errorf("%s: key %q, want none", name, k)
		}
	}
	cfg := config.Default()
	if k := storeKey(framework, Options{Catalog: catalog.New(), Store: &memStore{}}, cfg.PGVersion, activeRules(cfg, nil), cfg); k != "" {
		t.Errorf("a translated migration: key %q, want none", k)
	}
}

type noUses struct{ rules.Compat }
