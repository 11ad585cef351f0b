package check

import (
	"fmt"
	"strings"

	"github.com/schemagate/schemagate/internal/catalog"
	"github.com/schemagate/schemagate/internal/config"
	"github.com/schemagate/schemagate/internal/lint"
	"github.com/schemagate/schemagate/internal/migrations/migration"
	"github.com/schemagate/schemagate/internal/ops"
	"github.com/schemagate/schemagate/internal/safefs"
	"github.com/schemagate/schemagate/internal/source"
	"github.com/schemagate/schemagate/rules"
)

// dumpDiff checks projects whose migrations are not SQL but that commit a
// schema dump: the pending change is the difference between the dump at
// the previous release and at the new one. Additions and changes are
// reported at their line in the new dump, removals at their line in the
// previous one.
func dumpDiff(in Input, prev Tree, dumpPath string, cfg *config.Config, cmp *compat, res *Result) ([]rules.Finding, []string, error) {
	oldText, err := safefs.ReadFile(prev.FS, dumpPath, dumpLimit(cfg))
	if err != nil {
		oldText = nil // no dump in the previous release: everything is new
	}
	newText, err := safefs.ReadFile(in.New.FS, dumpPath, dumpLimit(cfg))
	if err != nil {
		return nil, nil, fmt.Errorf("reading %s in %s: %w", dumpPath, in.New.Name, err)
	}
	oldFile := source.NewFile(dumpPath, oldText)
	newFile := source.NewFile(dumpPath, newText)
	oldCat, _ := catalog.FromDump(oldFile, cfg.PGVersion)
	newCat, errs := catalog.FromDump(newFile, cfg.PGVersion)
	var out []rules.Finding
	for _, e := range errs {
		out = append(out, rules.SyntaxError.At(dumpPath, source.Span{Start: e.Pos, End: e.Pos}, "syntax error in schema dump: "+e.Message))
	}
	added, removed := catalog.Diff(oldCat, newCat)
	if len(added) == 0 && len(removed) == 0 {
		return out, []string{"no schema change in " + dumpPath}, nil
	}
	// The compatibility question is the only one a dump can answer: it
	// says what changed, not how (no locks, no statements).
	var compatRules []*rules.Rule
	for _, r := range rules.All() {
		if r.Category == rules.Compatibility && r.Checks() {
			compatRules = append(compatRules, r)
		}
	}
	oldCat.Boundary = 1 << 30
	mk := func(f *source.File, list []ops.Op) *migration.Migration {
		ops.Annotate(list, false)
		return &migration.Migration{Path: dumpPath, File: f, Format: "schema-dump", Framework: true, Ops: list}
	}
	units := []*migration.Migration{mk(newFile, added)}
	opt := lint.Options{Config: cfg, Compat: cmp, Rules: compatRules, Schema: oldCat}
	fsAdded := lint.Run(units, opt)
	fsRemoved := lint.Run([]*migration.Migration{mk(oldFile, removed)}, opt)
	for i := range fsRemoved {
		placeRemoval(&fsRemoved[i], removed, oldFile, newFile, newCat, prev.Name)
	}
	out = append(out, fsAdded...)
	out = append(out, fsRemoved...)
	res.Files[dumpPath] = newFile
	return out, []string{fmt.Sprintf("migrations are not SQL: checked the change of %s between %s and %s", dumpPath, prev.Name, in.New.Name)}, nil
}

// dumpLimit is the largest schema dump read: the config's file size
// limit, which a project with a large structure.sql raises.
func dumpLimit(cfg *config.Config) int64 {
	if cfg == nil {
		return migration.DefaultMaxFileSize
	}
	return migration.Limit(cfg.MaxFileSize)
}

// placeRemoval moves a finding on something the new dump no longer has
// from its line in the previous dump (which the new file does not show)
// to the new dump's definition of its table, or the file's start when the
// table is gone, and keeps the previous line as evidence labelled with
// the previous release's revision.
func placeRemoval(f *rules.Finding, removed []ops.Op, oldFile, newFile *source.File, newCat *catalog.Catalog, prevName string) {
	oldLine := f.Span.Start.Line
	f.Message += fmt.Sprintf(" (line %d of %s at %s)", oldLine, oldFile.Path, prevName)
	f.Evidence = append(f.Evidence, rules.Evidence{
		Release: prevName, File: oldFile.Path, Line: oldLine,
		Snippet: strings.TrimSpace(oldFile.Line(oldLine)), Kind: "schema dump at " + prevName,
	})
	span := source.Span{Start: source.Pos{Line: 1, Column: 1}, End: source.Pos{Line: 1, Column: 1}}
	for _, op := range removed {
		if op.Span != f.Span {
			continue
		}
		if t := newCat.Table(op.Table); t != nil && t.Origin.File == newFile.Path && t.Origin.Span.Start.Line > 0 {
			span = t.Origin.Span
		}
		break
	}
	f.Span = span
}
