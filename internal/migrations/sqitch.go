package migrations

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"strings"

	"github.com/schemagate/schemagate/internal/migrations/migration"
	"github.com/schemagate/schemagate/internal/safefs"
	"github.com/schemagate/schemagate/internal/source"
)

// sqitch deploys the changes of sqitch.plan in plan order, each by
// running deploy/<change>.sql through psql: the tool opens no
// transaction, the scripts usually hold their own BEGIN/COMMIT.

type sqitchLayout struct {
	plan   string // path of sqitch.plan
	deploy string // directory of the deploy scripts
}

// findSqitch finds the plan for a directory that is a sqitch project
// (sqitch.plan, or sqitch.conf naming it) or its deploy directory.
func findSqitch(fsys fs.FS, l listing) (sqitchLayout, bool) {
	exists := func(p string) bool {
		st, err := fs.Stat(fsys, p)
		return err == nil && !st.IsDir()
	}
	if l.has("sqitch.plan") || l.has("sqitch.conf") {
		lay := sqitchLayout{plan: path.Join(l.dir, "sqitch.plan"), deploy: path.Join(l.dir, "deploy")}
		if l.has("sqitch.conf") {
			if conf, err := safefs.ReadFile(fsys, path.Join(l.dir, "sqitch.conf"), migration.DefaultMaxFileSize); err == nil {
				lay = sqitchConf(l.dir, string(conf))
			}
		}
		return lay, exists(lay.plan)
	}
	if l.dir == "." {
		return sqitchLayout{}, false
	}
	switch path.Base(l.dir) {
	case "revert", "verify":
		return sqitchLayout{}, false
	}
	parent := path.Dir(l.dir)
	if p := path.Join(parent, "sqitch.plan"); exists(p) {
		return sqitchLayout{plan: p, deploy: l.dir}, true
	}
	return sqitchLayout{}, false
}

// sqitchConf reads the [core] top_dir, plan_file and deploy_dir settings
// (paths relative to the project root).
func sqitchConf(root, conf string) sqitchLayout {
	var top, plan, deploy string
	inCore := false
	for _, ln := range strings.Split(conf, "\n") {
		ln = strings.TrimSpace(ln)
		if strings.HasPrefix(ln, "[") {
			inCore = strings.EqualFold(strings.Trim(ln, "[] \t"), "core")
			continue
		}
		k, v, ok := strings.Cut(ln, "=")
		if !inCore || !ok {
			continue
		}
		v = strings.Trim(strings.TrimSpace(v), `"`)
		switch strings.TrimSpace(k) {
		case "top_dir":
			top = v
		case "plan_file":
			plan = v
		case "deploy_dir":
			deploy = v
		}
	}
	if top == "" {
		top = "."
	}
	if plan == "" {
		plan = path.Join(top, "sqitch.plan")
	}
	if deploy == "" {
		deploy = path.Join(top, "deploy")
	}
	return sqitchLayout{plan: path.Join(root, plan), deploy: path.Join(root, deploy)}
}

type sqitchChange struct {
	name   string
	rework string // tag of a reworked change's earlier script, "" for the latest
	line   line
	probs  []string
}

// parseSqitchPlan reads the changes of a plan in order. Pragmas (%),
// tags (@), blank and comment lines are skipped; a change line is
// "name [deps] date planner <email> # note".
func parseSqitchPlan(text []byte) []sqitchChange {
	type tag struct {
		name  string
		after int // number of changes before it
	}
	var changes []sqitchChange
	var tags []tag
	for _, l := range splitLines(text) {
		s := strings.TrimSpace(string(text[l.start:l.end]))
		switch {
		case s == "", strings.HasPrefix(s, "#"), strings.HasPrefix(s, "%"):
			continue
		case strings.HasPrefix(s, "@"):
			name, _, _ := strings.Cut(s[1:], " ")
			tags = append(tags, tag{name: strings.TrimSpace(name), after: len(changes)})
			continue
		}
		if s[0] == '-' {
			continue // an old-style revert entry: nothing to deploy
		}
		s = strings.TrimPrefix(s, "+")
		end := strings.IndexAny(s, " \t[")
		if end < 0 {
			end = len(s)
		}
		changes = append(changes, sqitchChange{name: s[:end], line: l})
	}
	// A reworked change appears again after a tag; its earlier versions
	// live in deploy/<name>@<first tag after it>.sql.
	last := map[string]int{}
	for i := len(changes) - 1; i >= 0; i-- {
		c := &changes[i]
		j, seen := last[c.name]
		last[c.name] = i
		if !seen {
			continue
		}
		for _, t := range tags {
			if t.after > i && t.after <= j {
				c.rework = t.name
				break
			}
		}
		if c.rework == "" {
			changes[j].probs = append(changes[j].probs, fmt.Sprintf("change %q appears twice with no tag between: sqitch rejects the plan", c.name))
		}
	}
	return changes
}

func (b *builder) discoverSqitch(l listing) {
	lay, ok := findSqitch(b.fsys, l)
	if !ok {
		b.skip(l.dir, "no sqitch.plan in this directory or its parent")
		return
	}
	planText, ok := b.read(lay.plan)
	if !ok {
		return
	}
	plan := source.NewFile(lay.plan, planText)
	listed := map[string]bool{}
	for _, c := range parseSqitchPlan(planText) {
		version := c.name
		if c.rework != "" {
			version += "@" + c.rework
		}
		script := path.Join(lay.deploy, version+".sql")
		listed[script] = true
		text, reason, err := migration.Read(b.fsys, script, b.opt.MaxSize())
		switch {
		case errors.Is(err, fs.ErrNotExist):
			// The problem is in the plan, so the migration points there;
			// each gets its own File so that they can be read concurrently.
			pf := source.NewFile(lay.plan, planText)
			b.add(&migration.Migration{
				Path: lay.plan, File: pf, Format: migration.FormatSqitch, Version: version, Name: c.name,
				Problems: []migration.Problem{{Span: lineSpan(pf, c.line), Message: fmt.Sprintf("change %q has no deploy script %s", c.name, script)}},
			})
			continue
		case err != nil:
			b.skip(script, migration.ReadReason(err))
			continue
		case reason != "":
			b.skip(script, reason)
			continue
		}
		m := sqitchMigration(script, text, version, c.name)
		for _, msg := range c.probs {
			m.Problems = append(m.Problems, migration.Problem{Span: firstLineSpan(m.File), Message: msg + fmt.Sprintf(" (%s line %d)", lay.plan, plan.Pos(c.line.start).Line)})
		}
		b.add(m)
	}
	_ = fs.WalkDir(b.fsys, lay.deploy, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && isSQL(p) && !listed[p] {
			b.skip(p, "not in "+lay.plan+": sqitch does not deploy it")
		}
		return nil
	})
}

// sqitchMigration is a deploy script: all of it runs, outside any
// transaction the tool would open.
func sqitchMigration(p string, text []byte, version, name string) *migration.Migration {
	f := source.NewFile(p, text)
	return &migration.Migration{
		Path: p, File: f, Format: migration.FormatSqitch, Version: version, Name: name,
		Regions: wholeFile(text),
	}
}

// sqitchNames reads a deploy script's name: "users.sql" or the reworked
// "users@v1.0.sql".
func sqitchNames(base string) (version, name string) {
	version = stem(base)
	name, _, _ = strings.Cut(version, "@")
	return version, name
}
