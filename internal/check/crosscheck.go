package check

import (
	"fmt"
	"strings"

	"github.com/schemagate/schemagate/internal/catalog"
	"github.com/schemagate/schemagate/internal/config"
	"github.com/schemagate/schemagate/internal/migrations/rails"
	"github.com/schemagate/schemagate/internal/safefs"
	"github.com/schemagate/schemagate/internal/source"
	"github.com/schemagate/schemagate/rules"
)

// readSchemaFile reads a pg_dump file or Rails' schema.rb into a catalog.
func readSchemaFile(f *source.File, pgVersion int) *catalog.Catalog {
	if strings.HasSuffix(f.Path, ".rb") {
		cat, _ := rails.ReadSchemaRB(f)
		return cat
	}
	cat, _ := catalog.FromDump(f, pgVersion)
	return cat
}

// crossCheck compares the schema the translated pending migrations leave
// (after) with the schema file committed in the new release: tables and
// columns one has and the other lacks, and columns whose type or NOT NULL
// differ. Each difference names both places.
func crossCheck(after *catalog.Catalog, next Tree, dump string, cfg *config.Config, res *Result) {
	pgVersion := cfg.PGVersion
	text, err := safefs.ReadFile(next.FS, dump, dumpLimit(cfg))
	if err != nil {
		return
	}
	f := source.NewFile(dump, text)
	want := readSchemaFile(f, pgVersion)
	res.Files[dump] = f
	report := func(file string, span source.Span, msg string) {
		f := rules.SchemaDumpMismatch.At(file, span, msg)
		f.Hint = "run the migrations and commit the regenerated " + dump
		res.Findings = append(res.Findings, f)
	}
	where := func(o catalog.Origin) string {
		return fmt.Sprintf("%s:%d", o.File, o.Span.Start.Line)
	}
	for _, key := range want.TableNames() {
		wt, at := want.Tables[key], after.Tables[key]
		if wt.Kind != "table" {
			continue
		}
		if at == nil {
			report(dump, wt.Origin.Span, fmt.Sprintf("%s has table %s, which the migrations do not create", dump, wt.Name))
			continue
		}
		for _, wc := range wt.Columns {
			ac := at.Column(wc.Name)
			switch {
			case ac == nil:
				report(dump, wc.Origin.Span, fmt.Sprintf("%s has column %s.%s, which the migrations do not add (table from %s)", dump, wt.Name, wc.Name, where(at.Origin)))
			case ac.Type.Name != wc.Type.Name:
				report(dump, wc.Origin.Span, fmt.Sprintf("%s says %s.%s is %s, the migrations make it %s (%s)", dump, wt.Name, wc.Name, wc.Type, ac.Type, where(ac.Origin)))
			case ac.NotNull != wc.NotNull:
				report(dump, wc.Origin.Span, fmt.Sprintf("%s says %s.%s is %s, the migrations make it %s (%s)", dump, wt.Name, wc.Name, nullWord(wc.NotNull), nullWord(ac.NotNull), where(ac.Origin)))
			}
		}
		for _, ac := range at.Columns {
			if wt.Column(ac.Name) == nil {
				report(ac.Origin.File, ac.Origin.Span, fmt.Sprintf("the migrations leave column %s.%s, which %s does not have (%s:%d)", at.Name, ac.Name, dump, dump, wt.Origin.Span.Start.Line))
			}
		}
	}
	for _, key := range after.TableNames() {
		at := after.Tables[key]
		if at.Kind == "table" && want.Tables[key] == nil && at.Since >= after.Boundary {
			report(at.Origin.File, at.Origin.Span, fmt.Sprintf("the migrations create table %s, which %s does not have", at.Name, dump))
		}
	}
}

func nullWord(notNull bool) string {
	if notNull {
		return "NOT NULL"
	}
	return "nullable"
}
