// Package redact keeps secrets out of what schemagate prints: the
// password of a connection string in any spelling people write one
// (URL or key=value, any scheme or key case, any quoting), the values of
// gate's --env, and any such string found inside a message. Every error
// path that may show a connection string goes through it.
package redact

import (
	"net/url"
	"regexp"
	"sort"
	"strings"
)

// Mask replaces a secret wherever one would be printed.
const Mask = "xxxxx"

// ConnString returns a connection string fit to print: the password of
// a URL (scheme://user:secret@host, in any scheme and case), a query
// parameter or key=value keyword naming a password (password, PASSWORD,
// sslpassword; percent-encoded keys too) is replaced with Mask; so is a
// connection string nested in a dbname value. Everything else is kept as
// written. Malformed input is redacted on the side of hiding too much.
func ConnString(s string) string {
	out, _ := conn(s)
	return out
}

// Passwords returns the secrets ConnString hides in s: as written,
// unquoted and percent-decoded, so that a message quoting any form of
// them can be scrubbed with Text.
func Passwords(s string) []string {
	_, secrets := conn(s)
	return secrets
}

// RemovePassword returns s without its password (for a program that
// takes the password from its environment instead of its command line)
// and the password, unquoted and decoded. ok is false when s names no
// password, or more than one.
func RemovePassword(s string) (rest, password string, ok bool) {
	p := parse(s)
	if len(p.spans) != 1 || len(p.spans[0].merged) > 0 {
		return s, "", false
	}
	sp := p.spans[0]
	return s[:sp.cut] + s[sp.cutEnd:], sp.value, true
}

// conn redacts one connection string and lists what it hid.
func conn(s string) (string, []string) {
	p := parse(s)
	var b strings.Builder
	last := 0
	var secrets []string
	for _, sp := range p.spans {
		b.WriteString(s[last:sp.start])
		b.WriteString(Mask)
		last = sp.end
		secrets = append(secrets, s[sp.start:sp.end], sp.value)
		secrets = append(secrets, sp.merged...)
	}
	b.WriteString(s[last:])
	return b.String(), unique(secrets)
}

// span is a secret in a connection string: s[start:end] is masked;
// s[cut:cutEnd] is what RemovePassword removes (with the key or the
// colon); value is the secret unquoted and decoded.
type span struct {
	cut, cutEnd, start, end int
	value                   string
	merged                  []string // the values of spans merged into this one
}

type parsed struct{ spans []span }

// schemeRE matches a URL's scheme (jdbc:postgresql:// included) after
// leading space.
var schemeRE = regexp.MustCompile(`^\s*[A-Za-z][A-Za-z0-9+.\-]*(:[A-Za-z][A-Za-z0-9+.\-]*)*://`)

func parse(s string) parsed {
	if loc := schemeRE.FindStringIndex(s); loc != nil {
		return parseURL(s, loc[1])
	}
	return parseDSN(s)
}

// isPasswordKey reports whether a key names a secret: password,
// PASSWORD, sslpassword, db_password...
func isPasswordKey(k string) bool {
	k = strings.ToLower(strings.TrimSpace(k))
	return strings.HasSuffix(k, "password") || k == "pass" || k == "pwd"
}

// parseURL works on the text, not url.Parse, so multi-host URLs
// (host1,host2) and unescaped characters that break url.Parse are
// handled too. authority is where the text after "://" starts.
func parseURL(s string, authority int) parsed {
	var p parsed
	rest := s[authority:]
	at := userinfoEnd(rest)
	if at >= 0 {
		if colon := strings.Index(rest[:at], ":"); colon >= 0 {
			start, end := authority+colon+1, authority+at
			p.spans = append(p.spans, span{cut: start - 1, cutEnd: end, start: start, end: end, value: unescape(s[start:end], url.PathUnescape)})
		}
	}
	// The query is scanned from the first ?, even one the userinfo
	// seemed to cover: overlapping spans merge.
	q := strings.Index(rest, "?")
	if q < 0 {
		return p
	}
	first := authority + q + 1
	end := len(s)
	if h := strings.Index(s[first:], "#"); h >= 0 {
		end = first + h
	}
	// Parameters split at &; a segment without = after a password is
	// more of it (an unescaped &).
	open := -1
	for pos := first; ; {
		segEnd := end
		if next := strings.Index(s[pos:end], "&"); next >= 0 {
			segEnd = pos + next
		}
		seg := s[pos:segEnd]
		key, _, hasValue := strings.Cut(seg, "=")
		switch {
		case hasValue && isPasswordKey(unescape(key, url.QueryUnescape)):
			vstart := pos + len(key) + 1
			p.spans = append(p.spans, span{cut: pos, cutEnd: segEnd, start: vstart, end: segEnd})
			open = len(p.spans) - 1
		case !hasValue && open >= 0 && seg != "":
			p.spans[open].end, p.spans[open].cutEnd = segEnd, segEnd
		default:
			open = -1
		}
		if segEnd == end {
			break
		}
		pos = segEnd + 1
	}
	for i := range p.spans {
		sp := &p.spans[i]
		if sp.start >= first {
			sp.value = unescape(s[sp.start:sp.end], url.QueryUnescape)
			// Remove the parameter with one of the &s around it.
			switch {
			case sp.cut > first:
				sp.cut--
			case sp.cutEnd < end:
				sp.cutEnd++
			default:
				sp.cut-- // the lone parameter: its ? too
			}
		}
	}
	p.merge()
	return p
}

// merge sorts the spans and joins those that overlap.
func (p *parsed) merge() {
	sort.Slice(p.spans, func(i, j int) bool { return p.spans[i].start < p.spans[j].start })
	var out []span
	for _, sp := range p.spans {
		if n := len(out); n > 0 && sp.start <= out[n-1].end {
			last := &out[n-1]
			if sp.end > last.end {
				last.end, last.cutEnd = sp.end, max(last.cutEnd, sp.cutEnd)
				last.merged = append(last.merged, sp.value)
			}
			continue
		}
		out = append(out, sp)
	}
	p.spans = out
}

// userinfoEnd is the index of the @ that ends the userinfo in rest (the
// URL after "://"), or -1. With a password (user: first), it is the last
// @ of all: a password may hold an unescaped /, @, ? or #, which people
// do write, and an @ later in the query only makes it hide too much.
// Without one, it is the last @ before the query.
func userinfoEnd(rest string) int {
	if i := strings.IndexAny(rest, ":/?#@"); i >= 0 && rest[i] == ':' {
		return strings.LastIndex(rest, "@")
	}
	if q := strings.IndexAny(rest, "?#"); q >= 0 {
		rest = rest[:q]
	}
	return strings.LastIndex(rest, "@")
}

func unescape(v string, f func(string) (string, error)) string {
	if u, err := f(v); err == nil {
		return u
	}
	return v
}

// parseDSN scans key = value pairs as libpq does, with any key case:
// values are bare (backslash escapes) or single-quoted (backslash
// escapes); double quotes, which libpq does not know but people write,
// are honoured too so the whole quoted password is hidden. A value that
// is itself a connection string (dbname=postgres://...) is scanned too.
func parseDSN(s string) parsed {
	var p parsed
	i := 0
	for i < len(s) {
		i = skipSpace(s, i)
		if i >= len(s) {
			break
		}
		j := i
		for j < len(s) && s[j] != '=' && !isSpace(s[j]) {
			j++
		}
		key := s[i:j]
		keyStart := i
		k := skipSpace(s, j)
		switch {
		case k < len(s) && s[k] == '=':
			k = skipSpace(s, k+1)
		case isPasswordKey(key) && k < len(s):
			// "password secret": a missing = still hides what follows.
		default:
			i = j
			continue
		}
		end := valueEnd(s, k)
		if isPasswordKey(key) {
			p.spans = append(p.spans, span{cut: keyStart, cutEnd: end, start: k, end: end, value: unquote(s[k:end])})
		} else if v := unquote(s[k:end]); strings.Contains(v, "://") || strings.Contains(v, "=") {
			// A nested connection string: hide its secrets in place when
			// they appear verbatim.
			for _, sp := range parse(v).spans {
				if idx := strings.Index(s[k:end], v[sp.start:sp.end]); idx >= 0 && sp.end > sp.start {
					from, to := k+idx, k+idx+sp.end-sp.start
					p.spans = append(p.spans, span{cut: from, cutEnd: to, start: from, end: to, value: sp.value})
				}
			}
		}
		i = end
	}
	return p
}

func skipSpace(s string, i int) int {
	for i < len(s) && isSpace(s[i]) {
		i++
	}
	return i
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'
}

// valueEnd is where the value starting at i ends: after its closing
// quote, or at the next space. An unterminated quote runs to the end.
func valueEnd(s string, i int) int {
	if i < len(s) && (s[i] == '\'' || s[i] == '"') {
		quote := s[i]
		for j := i + 1; j < len(s); j++ {
			switch s[j] {
			case '\\':
				j++
			case quote:
				return j + 1
			}
		}
		return len(s)
	}
	j := i
	for j < len(s) && !isSpace(s[j]) {
		if s[j] == '\\' {
			j++
		}
		j++
	}
	return min(j, len(s))
}

// unquote strips a value's quotes and backslash escapes.
func unquote(v string) string {
	if len(v) > 0 && (v[0] == '\'' || v[0] == '"') {
		quote := v[0]
		v = strings.TrimSuffix(v[1:], string(quote))
	}
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		if v[i] == '\\' && i+1 < len(v) {
			i++
		}
		b.WriteByte(v[i])
	}
	return b.String()
}

func unique(list []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, s := range list {
		if s != "" && !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// urlInText finds URLs in free text: a scheme, ://, and everything up
// to the next space.
var urlInText = regexp.MustCompile(`[A-Za-z][A-Za-z0-9+.\-]*(:[A-Za-z][A-Za-z0-9+.\-]*)*://\S*`)

// keyInText finds a password keyword of a key=value string in free text.
var keyInText = regexp.MustCompile(`(?i)[a-z_]*(password|pwd)\s*=\s*`)

// Text returns msg with every secret in secrets (and its decoded forms)
// replaced, then every connection string it finds redacted: URLs of any
// scheme with a password, and password=... keywords. Use it on any
// message that may quote what the user passed.
func Text(msg string, secrets ...string) string {
	all := unique(secrets)
	for _, s := range all {
		for _, f := range []func(string) (string, error){url.PathUnescape, url.QueryUnescape} {
			if u, err := f(s); err == nil && u != s {
				all = append(all, u)
			}
		}
	}
	// Longest first, so a secret containing another is hidden whole.
	for i := 1; i < len(all); i++ {
		for j := i; j > 0 && len(all[j]) > len(all[j-1]); j-- {
			all[j], all[j-1] = all[j-1], all[j]
		}
	}
	for _, s := range all {
		if s != "" && s != Mask {
			msg = strings.ReplaceAll(msg, s, Mask)
		}
	}
	msg = urlInText.ReplaceAllStringFunc(msg, ConnString)
	var b strings.Builder
	last := 0
	for _, loc := range keyInText.FindAllStringIndex(msg, -1) {
		if loc[0] < last {
			continue
		}
		end := valueEnd(msg, loc[1])
		b.WriteString(msg[last:loc[1]])
		if end > loc[1] && msg[loc[1]:end] != Mask {
			b.WriteString(Mask)
		} else {
			b.WriteString(msg[loc[1]:end])
		}
		last = end
	}
	b.WriteString(msg[last:])
	return b.String()
}

// Env returns one --env NAME=VALUE fit to print: NAME=xxxxx, or just
// xxxxx when it is not NAME=VALUE with a valid NAME (the whole text may
// then be the secret).
func Env(kv string) string {
	name, _, ok := strings.Cut(kv, "=")
	if !ok || !EnvName(name) {
		return Mask
	}
	return name + "=" + Mask
}

// EnvName reports whether name is a valid environment variable name:
// letters, digits and underscores, not starting with a digit.
func EnvName(name string) bool {
	for i, c := range name {
		letter := c == '_' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z'
		if !letter && (i == 0 || c < '0' || c > '9') {
			return false
		}
	}
	return name != ""
}
