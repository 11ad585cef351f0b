package alembic

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"

	"github.com/schemagate/schemagate/internal/migrations/migration"
	"github.com/schemagate/schemagate/internal/safefs"
	"github.com/schemagate/schemagate/internal/source"
)

// header is what a revision file declares about its place in the graph.
type header struct {
	revision     string
	downRevision []string // none for a base, several for a merge
	branchLabels []string
	dependsOn    []string
	found        bool // a revision assignment was read
	problems     []string
}

// readHeader reads the module-level revision identifiers.
func readHeader(mod *module) header {
	var h header
	for _, s := range mod.body {
		if s.kind != stmtAssign || len(s.targets) != 1 || len(s.targets[0].names) != 1 || s.targets[0].tuple {
			continue
		}
		name := s.targets[0].names[0]
		switch name {
		case "revision", "down_revision", "branch_labels", "depends_on":
		default:
			continue
		}
		vals, ok := stringsOf(mod.src, s.x)
		if !ok && name == "branch_labels" {
			// migration.EXPAND_BRANCH or ('ocata01',
			// migration.CONTRACT_BRANCH), as glance writes them: labels
			// only name the revision, down_revision places it; the labels
			// schemagate can read are kept.
			for _, a := range s.x.args {
				if l, ok := literalString(a); ok {
					h.branchLabels = append(h.branchLabels, l)
				}
			}
			continue
		}
		if !ok {
			h.problems = append(h.problems, fmt.Sprintf("%s is not a string, a tuple of strings or None: schemagate cannot place this revision", name))
			continue
		}
		switch name {
		case "revision":
			if len(vals) == 1 {
				h.revision, h.found = vals[0], true
			}
		case "down_revision":
			h.downRevision = vals
		case "branch_labels":
			h.branchLabels = vals
		case "depends_on":
			h.dependsOn = vals
		}
	}
	return h
}

// stringsOf reads None, a string, or a tuple/list of strings.
func stringsOf(src []byte, e *expr) ([]string, bool) {
	switch e.kind {
	case exprNone:
		return nil, true
	case exprString:
		s, ok := literalString(e)
		if !ok {
			return nil, false
		}
		return []string{s}, true
	case exprList:
		var out []string
		for _, a := range e.args {
			s, ok := literalString(a)
			if !ok {
				return nil, false
			}
			out = append(out, s)
		}
		return out, true
	}
	return nil, false
}

// literalString is the value of a string literal without interpolations.
func literalString(e *expr) (string, bool) {
	if e == nil || e.kind != exprString {
		return "", false
	}
	var b strings.Builder
	for _, p := range e.str {
		if p.interp != nil {
			return "", false
		}
		b.WriteString(p.text)
	}
	return b.String(), true
}

// discover reads every revision file of the locations and orders them.
func discover(fsys fs.FS, dir string, opt migration.Options) (*migration.Set, error) {
	locs, err := locate(fsys, dir)
	if err != nil {
		return nil, err
	}
	set := &migration.Set{Dir: dir, Format: migration.FormatAlembic}
	max := opt.MaxFileSize
	if max <= 0 {
		max = migration.DefaultMaxFileSize
	}
	var revs []*rev
	seen := map[string]bool{}
	for _, loc := range locs {
		files, err := listRevisionFiles(fsys, loc)
		if err != nil {
			if len(locs) == 1 {
				return nil, fmt.Errorf("%s: %w", loc.dir, err)
			}
			continue
		}
		for _, p := range files {
			if seen[p] {
				continue
			}
			seen[p] = true
			r, reason := readRevision(fsys, p, max)
			if reason != "" {
				set.Skipped = append(set.Skipped, migration.Skipped{Path: p, Reason: reason})
				continue
			}
			revs = append(revs, r)
		}
	}
	for i, r := range order(revs) {
		r.m.Order = i
		set.Migrations = append(set.Migrations, r.m)
	}
	return set, nil
}

func listRevisionFiles(fsys fs.FS, loc location) ([]string, error) {
	entries, err := fs.ReadDir(fsys, loc.dir)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range entries {
		p := path.Join(loc.dir, e.Name())
		if e.IsDir() {
			if loc.recursive && e.Name() != "__pycache__" {
				sub, err := listRevisionFiles(fsys, location{dir: p, recursive: true})
				if err == nil {
					out = append(out, sub...)
				}
			}
			continue
		}
		if isRevisionName(e.Name()) {
			out = append(out, p)
		}
	}
	return out, nil
}

// rev is one revision file on its way into the apply order.
type rev struct {
	h header
	m *migration.Migration
}

func readRevision(fsys fs.FS, p string, max int64) (*rev, string) {
	text, err := safefs.ReadFile(fsys, p, max)
	switch {
	case safefs.SkipReason(err) != "":
		return nil, safefs.SkipReason(err)
	case errors.Is(err, safefs.ErrTooLarge):
		return nil, fmt.Sprintf("larger than %d MiB", max>>20)
	case err != nil:
		return nil, "cannot read: " + err.Error()
	}
	mod := parseModule(text)
	h := readHeader(mod)
	if !h.found {
		return nil, "no `revision = \"...\"` assignment: alembic refuses to load this file"
	}
	f := source.NewFile(p, text)
	m := &migration.Migration{
		Path: p, File: f, Format: migration.FormatAlembic,
		Version: h.revision, Name: revisionName(path.Base(p), h.revision),
		// env.py runs migrations inside context.begin_transaction()
		// (one transaction, or one per migration): PostgreSQL has
		// transactional DDL.
		Transactional: true,
	}
	for _, msg := range h.problems {
		m.Problems = append(m.Problems, migration.Problem{Span: firstLine(f), Message: msg})
	}
	return &rev{h: h, m: m}, ""
}

// revisionName is the descriptive part of a file name: what follows the
// revision id ("1975ea83b712_create_users.py" -> "create_users").
func revisionName(base, revision string) string {
	stem := strings.TrimSuffix(base, ".py")
	if i := strings.Index(stem, revision); i >= 0 && revision != "" {
		if rest := strings.TrimLeft(stem[i+len(revision):], "_-"); rest != "" {
			return rest
		}
	}
	return stem
}

func firstLine(f *source.File) source.Span {
	end := len(f.Text)
	if i := strings.IndexByte(string(f.Text), '\n'); i >= 0 {
		end = i
	}
	return f.Span(0, end)
}

// order puts revisions in apply order: a topological walk from the bases
// where a revision comes after its down_revisions and depends_on. When
// several revisions are ready, the walk continues down the branch it is
// on (a child of the revision just placed) and otherwise takes the
// smallest revision id, so branches stay together and the order does not
// depend on directory listing order (alembic's own does). Merge
// revisions come after all their parents. Unknown parents and cycles are
// problems on the files concerned.
func order(revs []*rev) []*rev {
	slices.SortStableFunc(revs, func(a, b *rev) int { return strings.Compare(a.h.revision, b.h.revision) })
	byID := map[string]*rev{}
	byLabel := map[string]*rev{}
	for _, r := range revs {
		if other, ok := byID[r.h.revision]; ok {
			msg := "revision %s is also declared by %s: alembic warns and uses only one of them"
			r.m.Problems = append(r.m.Problems, migration.Problem{Span: firstLine(r.m.File), Message: fmt.Sprintf(msg, r.h.revision, other.m.Path)})
			other.m.Problems = append(other.m.Problems, migration.Problem{Span: firstLine(other.m.File), Message: fmt.Sprintf(msg, r.h.revision, r.m.Path)})
			continue
		}
		byID[r.h.revision] = r
		for _, l := range r.h.branchLabels {
			byLabel[l] = r
		}
	}
	parents := map[*rev][]*rev{}
	children := map[*rev][]*rev{}
	indeg := map[*rev]int{}
	for _, r := range revs {
		add := func(p *rev) {
			if p == r || slices.Contains(parents[r], p) {
				return
			}
			parents[r] = append(parents[r], p)
			children[p] = append(children[p], r)
			indeg[r]++
		}
		for _, d := range r.h.downRevision {
			if p, ok := byID[d]; ok {
				add(p)
				continue
			}
			r.m.Problems = append(r.m.Problems, migration.Problem{Span: firstLine(r.m.File),
				Message: fmt.Sprintf("down_revision %s is not a known revision: alembic fails with \"Revision %s referenced from %s is not present\"", d, d, r.h.revision)})
		}
		for _, d := range r.h.dependsOn {
			p, ok := byID[d]
			if !ok {
				p, ok = byLabel[d]
			}
			if ok {
				add(p)
				continue
			}
			r.m.Problems = append(r.m.Problems, migration.Problem{Span: firstLine(r.m.File),
				Message: fmt.Sprintf("depends_on %s is not a known revision or branch label", d)})
		}
	}
	var out []*rev
	placed := map[*rev]bool{}
	var ready []*rev
	for _, r := range revs {
		if indeg[r] == 0 && !placed[r] && byID[r.h.revision] == r {
			ready = append(ready, r)
		}
	}
	var last *rev
	for len(ready) > 0 {
		pick := -1
		if last != nil {
			for i, r := range ready {
				if slices.Contains(children[last], r) && (pick < 0 || r.h.revision < ready[pick].h.revision) {
					pick = i
				}
			}
		}
		if pick < 0 {
			pick = 0
			for i, r := range ready {
				if r.h.revision < ready[pick].h.revision {
					pick = i
				}
			}
		}
		r := ready[pick]
		ready = slices.Delete(ready, pick, pick+1)
		out = append(out, r)
		placed[r] = true
		last = r
		for _, c := range children[r] {
			indeg[c]--
			if indeg[c] == 0 {
				ready = append(ready, c)
			}
		}
	}
	for _, r := range revs {
		if placed[r] {
			continue
		}
		if byID[r.h.revision] == r {
			r.m.Problems = append(r.m.Problems, migration.Problem{Span: firstLine(r.m.File),
				Message: fmt.Sprintf("revision %s is part of a cycle of down_revision/depends_on: alembic refuses to run", r.h.revision)})
		}
		out = append(out, r)
	}
	return out
}

// Applied returns the versions a database has applied when its
// alembic_version table holds heads: every head and each revision it
// descends from through down_revision and depends_on. With branches the
// apply order alone cannot tell this (a revision placed before a head may
// be on another branch), so check uses the graph. Unknown heads are
// ignored.
func Applied(ms []*migration.Migration, heads []string) map[string]bool {
	byID := map[string][]string{}
	labels := map[string]string{}
	for _, m := range ms {
		h := readHeader(parseModule(m.File.Text))
		if !h.found {
			continue
		}
		if _, dup := byID[h.revision]; dup {
			continue
		}
		byID[h.revision] = append(append([]string(nil), h.downRevision...), h.dependsOn...)
		for _, l := range h.branchLabels {
			labels[l] = h.revision
		}
	}
	applied := map[string]bool{}
	stack := append([]string(nil), heads...)
	for len(stack) > 0 {
		id := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if _, ok := byID[id]; !ok {
			if l, ok := labels[id]; ok {
				id = l
			} else {
				continue
			}
		}
		if applied[id] {
			continue
		}
		applied[id] = true
		stack = append(stack, byID[id]...)
	}
	return applied
}
