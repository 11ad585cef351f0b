package verify

import (
	"fmt"
	"sort"
	"strings"

	"github.com/schemagate/schemagate/rules"
)

// Disagreement kinds.
const (
	// CheckOnly: check reports a compatibility problem, but every query
	// it cites still works on the server.
	CheckOnly = "check-only"
	// VerifyOnly: a query broke that no finding of check cites.
	VerifyOnly = "verify-only"
	// Severity: check cites the broken query only below error.
	Severity = "severity"
	// LockLevel and RewriteDiffers: the rules assume another lock or
	// rewrite than the server showed for a statement.
	LockLevel      = "lock"
	RewriteDiffers = "rewrite"
)

// Disagreement is a place where the server and check's rules differ, so
// that both can get better.
type Disagreement struct {
	Kind    string `json:"kind"`
	Rule    string `json:"rule,omitempty"` // check's rule, when it made a finding
	File    string `json:"file"`
	Line    int    `json:"line"`
	Message string `json:"message"`
}

type place struct {
	file string
	line int
}

// crossCheck compares the static verdict with what the server did.
func (r *Result) crossCheck() {
	byPlace := map[place][]*Query{}
	for _, q := range r.Queries {
		for _, p := range q.places {
			k := place{p.File, p.Line}
			byPlace[k] = append(byPlace[k], q)
		}
	}
	// Which places check cites, and at what severity at most.
	cited := map[place]rules.Severity{}
	for _, f := range r.Static.Findings {
		if f.Category != rules.Compatibility || f.Severity < rules.Warning || len(f.Evidence) == 0 {
			continue
		}
		var tested, broken, untested []string
		for _, e := range f.Evidence {
			if e.Release != "" && e.Release != r.Previous {
				continue // the new release's own uses, or another release's
			}
			k := place{e.File, e.Line}
			cited[k] = max(cited[k], f.Severity)
			qs := byPlace[k]
			name := fmt.Sprintf("%s:%d", e.File, e.Line)
			worked := false
			for _, q := range qs {
				if q.Before != resultOK {
					continue
				}
				worked = true
				if q.Broken {
					broken = append(broken, name)
					break
				}
			}
			if worked {
				tested = append(tested, name)
			} else {
				untested = append(untested, name)
			}
		}
		if f.MoreEvidence > 0 || len(untested) > 0 || len(tested) == 0 || len(broken) > 0 {
			continue
		}
		r.Disagreements = append(r.Disagreements, Disagreement{
			Kind: CheckOnly, Rule: f.Rule, File: f.File, Line: f.Span.Start.Line,
			Message: fmt.Sprintf("check reports %s (%s) citing %s, but on PostgreSQL %d every cited query still works after the pending migrations", f.Rule, f.Severity, strings.Join(tested, ", "), r.Version),
		})
	}
	for _, q := range r.Queries {
		if !q.Broken || (q.model != nil && q.model.Broken) {
			continue
		}
		worst := rules.Off
		for _, p := range q.places {
			worst = max(worst, cited[place{p.File, p.Line}])
		}
		what := q.After
		if q.BrokenBy == "insert" {
			what = q.ExecAfter
		}
		switch {
		case worst == rules.Off:
			r.Disagreements = append(r.Disagreements, Disagreement{
				Kind: VerifyOnly, File: q.File, Line: q.Line,
				Message: fmt.Sprintf("check has no finding for this %s, which breaks after the pending migrations: %s", describeKind(q), what),
			})
		case worst < rules.Error:
			r.Disagreements = append(r.Disagreements, Disagreement{
				Kind: Severity, File: q.File, Line: q.Line,
				Message: fmt.Sprintf("check rates the change this %s depends on a %s, yet it breaks after the pending migrations: %s", describeKind(q), worst, what),
			})
		}
	}
	for _, s := range r.Statements {
		for _, c := range s.Static {
			if c.AssumedLock != c.ObservedLock {
				r.Disagreements = append(r.Disagreements, Disagreement{
					Kind: LockLevel, File: s.File, Line: s.Line,
					Message: fmt.Sprintf("the rules assume %s on %s for this statement; PostgreSQL %d took %s", lockName(c.AssumedLock.String()), c.Relation, r.Version, lockName(c.ObservedLock.String())),
				})
			}
			if c.AssumedRewrite != c.ObservedRewrite {
				r.Disagreements = append(r.Disagreements, Disagreement{
					Kind: RewriteDiffers, File: s.File, Line: s.Line,
					Message: fmt.Sprintf("the rules assume this statement %s %s; on PostgreSQL %d it %s", rewrites(c.AssumedRewrite), c.Relation, r.Version, rewrote(c.ObservedRewrite)),
				})
			}
		}
	}
	sort.SliceStable(r.Disagreements, func(i, j int) bool {
		a, b := r.Disagreements[i], r.Disagreements[j]
		if a.File != b.File {
			return a.File < b.File
		}
		return a.Line < b.Line
	})
}

func describeKind(q *Query) string {
	switch q.Kind {
	case KindModelSelect:
		return "ORM model"
	case KindModelInsert:
		return "ORM model's INSERT"
	}
	if q.insert {
		return "INSERT"
	}
	return "query"
}

func lockName(s string) string {
	if s == "NONE" {
		return "no lock"
	}
	return s
}

func rewrites(b bool) string {
	if b {
		return "rewrites"
	}
	return "does not rewrite"
}

func rewrote(b bool) string {
	if b {
		return "did"
	}
	return "did not"
}
