package report

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/schemagate/schemagate/rules"
)

const (
	sarifSchema  = "https://json.schemastore.org/sarif-2.1.0.json"
	sarifVersion = "2.1.0"
	// informationURI is the tool's home page in tool.driver.
	informationURI = "https://github.com/schemagate/schemagate"
	// srcRoot is the base every relative artifact URI is resolved
	// against: the repository root, as GitHub code scanning expects.
	srcRoot = "%SRCROOT%"
	// fingerprintKey names our partial fingerprint; bump its version
	// if the hashed inputs ever change.
	fingerprintKey = "schemagate/v1"
)

// The subset of SARIF 2.1.0 schemagate writes. Field order follows the
// specification's examples so the output reads naturally.
type (
	sarifLog struct {
		Schema  string     `json:"$schema"`
		Version string     `json:"version"`
		Runs    []sarifRun `json:"runs"`
	}
	sarifRun struct {
		Tool        sarifTool         `json:"tool"`
		Invocations []sarifInvocation `json:"invocations"`
		ColumnKind  string            `json:"columnKind"`
		Results     []sarifResult     `json:"results"`
	}
	sarifTool struct {
		Driver sarifDriver `json:"driver"`
	}
	sarifDriver struct {
		Name           string      `json:"name"`
		Version        string      `json:"version,omitempty"`
		InformationURI string      `json:"informationUri"`
		Rules          []sarifRule `json:"rules"`
	}
	sarifRule struct {
		ID                   string             `json:"id"`
		Name                 string             `json:"name"`
		ShortDescription     sarifText          `json:"shortDescription"`
		FullDescription      *sarifText         `json:"fullDescription,omitempty"`
		HelpURI              string             `json:"helpUri,omitempty"`
		Help                 *sarifHelp         `json:"help,omitempty"`
		DefaultConfiguration sarifConfiguration `json:"defaultConfiguration"`
		Properties           sarifRuleProps     `json:"properties"`
	}
	sarifText struct {
		Text string `json:"text"`
	}
	sarifHelp struct {
		Text     string `json:"text"`
		Markdown string `json:"markdown"`
	}
	sarifConfiguration struct {
		Level string `json:"level"`
	}
	sarifRuleProps struct {
		Tags []string `json:"tags"`
	}
	sarifInvocation struct {
		ExecutionSuccessful        bool                `json:"executionSuccessful"`
		ToolExecutionNotifications []sarifNotification `json:"toolExecutionNotifications,omitempty"`
	}
	sarifNotification struct {
		Level   string    `json:"level"`
		Message sarifText `json:"message"`
	}
	sarifResult struct {
		RuleID              string            `json:"ruleId"`
		RuleIndex           int               `json:"ruleIndex"`
		Level               string            `json:"level"`
		Message             sarifText         `json:"message"`
		Locations           []sarifLocation   `json:"locations,omitempty"`
		RelatedLocations    []sarifLocation   `json:"relatedLocations,omitempty"`
		PartialFingerprints map[string]string `json:"partialFingerprints"`
		Fixes               []sarifFix        `json:"fixes,omitempty"`
		Properties          sarifResultProps  `json:"properties"`
	}
	sarifResultProps struct {
		Category     string `json:"category,omitempty"`
		Release      string `json:"release,omitempty"`
		MoreEvidence int    `json:"moreEvidence,omitempty"`
	}
	sarifLocation struct {
		ID               int            `json:"id,omitempty"`
		PhysicalLocation *sarifPhysical `json:"physicalLocation,omitempty"`
		Message          *sarifText     `json:"message,omitempty"`
	}
	sarifPhysical struct {
		ArtifactLocation sarifArtifact `json:"artifactLocation"`
		Region           *sarifRegion  `json:"region,omitempty"`
	}
	sarifArtifact struct {
		URI       string `json:"uri"`
		URIBaseID string `json:"uriBaseId,omitempty"`
	}
	sarifRegion struct {
		StartLine   int        `json:"startLine"`
		StartColumn int        `json:"startColumn,omitempty"`
		EndLine     int        `json:"endLine,omitempty"`
		EndColumn   int        `json:"endColumn,omitempty"`
		Snippet     *sarifText `json:"snippet,omitempty"`
	}
	sarifFix struct {
		Description     sarifText             `json:"description"`
		ArtifactChanges []sarifArtifactChange `json:"artifactChanges"`
	}
	sarifArtifactChange struct {
		ArtifactLocation sarifArtifact      `json:"artifactLocation"`
		Replacements     []sarifReplacement `json:"replacements"`
	}
	sarifReplacement struct {
		DeletedRegion   sarifByteRegion `json:"deletedRegion"`
		InsertedContent *sarifText      `json:"insertedContent,omitempty"`
	}
	sarifByteRegion struct {
		ByteOffset int `json:"byteOffset"`
		ByteLength int `json:"byteLength"`
	}
)

func writeSARIF(b *out, r *Report, opt Options) error {
	ruleList, ruleIndex := sarifRules(r.Findings, opt.Rules)
	// A run that exits 2 did not execute successfully, whatever it found:
	// code scanning must not read its results as the whole answer.
	inv := sarifInvocation{ExecutionSuccessful: r.status() != StatusError}
	for _, e := range r.Errors {
		inv.ToolExecutionNotifications = append(inv.ToolExecutionNotifications,
			sarifNotification{Level: "error", Message: sarifText{e}})
	}
	for _, n := range r.Notes {
		inv.ToolExecutionNotifications = append(inv.ToolExecutionNotifications,
			sarifNotification{Level: "note", Message: sarifText{n}})
	}
	run := sarifRun{
		Tool: sarifTool{Driver: sarifDriver{
			Name:           r.tool(),
			Version:        r.Version,
			InformationURI: informationURI,
			Rules:          ruleList,
		}},
		Invocations: []sarifInvocation{inv},
		ColumnKind:  "unicodeCodePoints", // source.Pos columns count code points
		Results:     []sarifResult{},
	}
	seen := map[string]int{} // fingerprint -> occurrences so far
	for i := range r.Findings {
		f := &r.Findings[i]
		fp := fingerprint(f)
		seen[fp]++
		run.Results = append(run.Results, sarifResult{
			RuleID:              f.Rule,
			RuleIndex:           ruleIndex[f.Rule],
			Level:               sarifLevel(f.Severity),
			Message:             sarifText{sarifMessage(f)},
			Locations:           sarifLocations(f),
			RelatedLocations:    sarifEvidence(f.Evidence),
			PartialFingerprints: map[string]string{fingerprintKey: fmt.Sprintf("%s:%d", fp, seen[fp])},
			Fixes:               sarifFixes(f),
			Properties: sarifResultProps{
				Category:     string(f.Category),
				Release:      f.Release,
				MoreEvidence: f.MoreEvidence,
			},
		})
	}
	return encodeJSON(b, sarifLog{Schema: sarifSchema, Version: sarifVersion, Runs: []sarifRun{run}})
}

// sarifRules describes every rule that has a finding, sorted by id, and
// maps each id to its index for results' ruleIndex.
func sarifRules(fs []rules.Finding, lookup func(string) (*rules.Rule, bool)) ([]sarifRule, map[string]int) {
	first := map[string]*rules.Finding{}
	var ids []string
	for i := range fs {
		if _, ok := first[fs[i].Rule]; !ok {
			first[fs[i].Rule] = &fs[i]
			ids = append(ids, fs[i].Rule)
		}
	}
	sort.Strings(ids)
	out := make([]sarifRule, 0, len(ids))
	index := make(map[string]int, len(ids))
	for i, id := range ids {
		index[id] = i
		if rule, ok := lookup(id); ok && rule != nil {
			out = append(out, sarifRuleFrom(id, rule))
			continue
		}
		// A finding from outside the registry (a parse error, say)
		// still needs a descriptor; describe it from the finding.
		f := first[id]
		out = append(out, sarifRule{
			ID:                   id,
			Name:                 pascalCase(id),
			ShortDescription:     sarifText{id},
			DefaultConfiguration: sarifConfiguration{sarifLevel(f.Severity)},
			Properties:           sarifRuleProps{Tags: tags(f.Category)},
		})
	}
	return out, index
}

func sarifRuleFrom(id string, rule *rules.Rule) sarifRule {
	short := rule.Summary
	if short == "" {
		short, _, _ = strings.Cut(strings.TrimSpace(rule.Doc), "\n")
	}
	if short == "" {
		short = id
	}
	sr := sarifRule{
		ID:                   id,
		Name:                 pascalCase(id),
		ShortDescription:     sarifText{short},
		HelpURI:              rule.URL(),
		DefaultConfiguration: sarifConfiguration{sarifLevel(rule.Severity)},
		Properties:           sarifRuleProps{Tags: tags(rule.Category)},
	}
	if doc := strings.TrimSpace(rule.Doc); doc != "" {
		sr.FullDescription = &sarifText{doc}
	}
	text, md := ruleHelp(rule, short)
	sr.Help = &sarifHelp{Text: text, Markdown: md}
	return sr
}

// ruleHelp renders the rule's docs, examples and safe sequence as plain
// text and as Markdown (which GitHub shows on the alert page).
func ruleHelp(rule *rules.Rule, short string) (text, md string) {
	var t, m strings.Builder
	doc := strings.TrimSpace(rule.Doc)
	if doc == "" {
		doc = short
	}
	t.WriteString(doc)
	m.WriteString(doc)
	example := func(title, sql string) {
		sql = strings.TrimSpace(sql)
		if sql == "" {
			return
		}
		fmt.Fprintf(&t, "\n\n%s:\n%s", title, indent(sql, "    "))
		fence := "```"
		for strings.Contains(sql, fence) {
			fence += "`"
		}
		fmt.Fprintf(&m, "\n\n**%s:**\n\n%ssql\n%s\n%s", title, fence, sql, fence)
	}
	example("Unsafe", rule.Bad)
	example("Safe", rule.Good)
	if len(rule.Steps) > 0 {
		t.WriteString("\n\nSafe sequence:")
		m.WriteString("\n\n**Safe sequence:**\n")
		for i, s := range rule.Steps {
			fmt.Fprintf(&t, "\n%d. %s", i+1, s)
			fmt.Fprintf(&m, "\n%d. %s", i+1, s)
		}
	}
	fmt.Fprintf(&t, "\n\nDocs: %s", rule.URL())
	fmt.Fprintf(&m, "\n\n[Rule documentation](%s)", rule.URL())
	return t.String(), m.String()
}

func indent(s, prefix string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		if l != "" {
			lines[i] = prefix + l
		}
	}
	return strings.Join(lines, "\n")
}

func tags(c rules.Category) []string {
	if c == "" {
		return []string{}
	}
	return []string{string(c)}
}

// pascalCase turns a rule id such as "drop-column-referenced" into the
// identifier-like name SARIF recommends: "DropColumnReferenced".
func pascalCase(id string) string {
	var b strings.Builder
	for _, part := range strings.FieldsFunc(id, func(r rune) bool { return r == '-' || r == '_' || r == '.' || r == ' ' }) {
		r, size := utf8.DecodeRuneInString(part)
		b.WriteRune(unicode.ToUpper(r))
		b.WriteString(part[size:])
	}
	return b.String()
}

var sarifLevel = severityWords{err: "error", warning: "warning", hint: "note", other: "none"}.of

// sarifMessage is the result's text; SARIF requires it to be non-empty.
func sarifMessage(f *rules.Finding) string {
	msg := f.Message
	if msg == "" {
		msg = f.Rule
	}
	if f.Hint != "" {
		msg += "\nHint: " + f.Hint
	}
	return msg
}

func artifact(file string) sarifArtifact {
	uri, relative := fileURI(file)
	a := sarifArtifact{URI: uri}
	if relative {
		a.URIBaseID = srcRoot
	}
	return a
}

// sarifLocations is the finding's one location. GitHub needs a start
// line, so a finding about a whole file points at line 1; one about no
// file has no location.
func sarifLocations(f *rules.Finding) []sarifLocation {
	if f.File == "" {
		return nil
	}
	region := &sarifRegion{StartLine: 1}
	if hasPos(f) {
		endLine, endCol := endPos(f)
		region = &sarifRegion{
			StartLine:   f.Span.Start.Line,
			StartColumn: startColumn(f),
			EndLine:     endLine,
			EndColumn:   endCol,
		}
	}
	return []sarifLocation{{PhysicalLocation: &sarifPhysical{ArtifactLocation: artifact(f.File), Region: region}}}
}

// sarifEvidence turns evidence into related locations; their regions
// are in the release the evidence names, which the message says.
func sarifEvidence(ev []rules.Evidence) []sarifLocation {
	var out []sarifLocation
	for i, e := range ev {
		msg := "evidence"
		if e.Release != "" {
			msg += " in release " + e.Release
		}
		if e.Kind != "" {
			msg += " (" + e.Kind + ")"
		}
		snippet := strings.TrimSpace(e.Snippet)
		loc := sarifLocation{ID: i + 1}
		if e.File != "" && e.Line > 0 {
			reg := &sarifRegion{StartLine: e.Line, StartColumn: max(e.Column, 0)}
			if snippet != "" {
				reg.Snippet = &sarifText{snippet}
			}
			loc.PhysicalLocation = &sarifPhysical{ArtifactLocation: artifact(e.File), Region: reg}
		} else {
			// Not a place in a file (query statistics, say): GitHub
			// needs a line for a location, so say it in words.
			if e.File != "" {
				msg += " in " + e.File
			}
			if snippet != "" {
				msg += ": " + snippet
			}
		}
		loc.Message = &sarifText{msg}
		out = append(out, loc)
	}
	return out
}

func sarifFixes(f *rules.Finding) []sarifFix {
	if f.File == "" {
		return nil
	}
	var out []sarifFix
	for _, fix := range f.Fixes {
		var reps []sarifReplacement
		for _, e := range fix.Edits {
			if e.Start < 0 || e.End < e.Start {
				continue // malformed: better no fix than a wrong one
			}
			rep := sarifReplacement{DeletedRegion: sarifByteRegion{ByteOffset: e.Start, ByteLength: e.End - e.Start}}
			if e.Text != "" {
				rep.InsertedContent = &sarifText{e.Text}
			}
			reps = append(reps, rep)
		}
		if len(reps) == 0 {
			continue
		}
		out = append(out, sarifFix{
			Description:     sarifText{fix.Title},
			ArtifactChanges: []sarifArtifactChange{{ArtifactLocation: artifact(f.File), Replacements: reps}},
		})
	}
	return out
}

// fingerprint identifies a finding across commits without its line, so
// an alert survives edits above it: rule, file and message (which names
// the table and column).
func fingerprint(f *rules.Finding) string {
	h := sha256.New()
	for _, s := range []string{f.Rule, slashPath(f.File), f.Message} {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))[:32]
}
