package pgdb

import (
	"net/url"
	"strings"
)

// redacted replaces a password wherever one is printed.
const redacted = "xxxxx"

// Redact returns a connection string fit to print: the password of a
// URL (postgres://user:secret@host/db), a password query parameter, or a
// password=... keyword of a key=value DSN is replaced with xxxxx.
// Everything else is left as written. Malformed input is redacted on the
// side of hiding too much.
func Redact(conn string) string {
	s, _ := redact(conn)
	return s
}

// redact returns the redacted string and the secrets it removed, as
// written and unescaped, so messages built from the string can be
// scrubbed of them.
func redact(conn string) (string, []string) {
	if isURL(conn) {
		return redactURL(conn)
	}
	return redactDSN(conn)
}

func isURL(s string) bool {
	return strings.HasPrefix(s, "postgres://") || strings.HasPrefix(s, "postgresql://")
}

// redactURL works on the text, not url.Parse, so multi-host URLs
// (host1,host2) and unescaped characters that break url.Parse are
// handled too.
func redactURL(s string) (string, []string) {
	var secrets []string
	scheme := strings.Index(s, "://") + 3
	rest := s[scheme:]
	// The userinfo ends at the last @ before the query: a password may
	// hold an unescaped / or @, which libpq users do write.
	beforeQuery := rest
	if i := strings.IndexAny(rest, "?#"); i >= 0 {
		beforeQuery = rest[:i]
	}
	var b strings.Builder
	b.WriteString(s[:scheme])
	if at := strings.LastIndex(beforeQuery, "@"); at >= 0 {
		userinfo := rest[:at]
		if colon := strings.Index(userinfo, ":"); colon >= 0 {
			secrets = append(secrets, userinfo[colon+1:])
			userinfo = userinfo[:colon+1] + redacted
		}
		b.WriteString(userinfo)
		rest = rest[at:]
	}
	q := strings.Index(rest, "?")
	if q < 0 {
		b.WriteString(rest)
		return b.String(), unescapedToo(secrets)
	}
	b.WriteString(rest[:q+1])
	query, fragment := rest[q+1:], ""
	if h := strings.Index(query, "#"); h >= 0 {
		query, fragment = query[:h], query[h:]
	}
	params := strings.Split(query, "&")
	for i, p := range params {
		key, value, ok := strings.Cut(p, "=")
		if k, err := url.QueryUnescape(key); err == nil {
			key = k
		}
		if ok && key == "password" {
			secrets = append(secrets, value)
			params[i] = p[:len(p)-len(value)] + redacted
		}
	}
	b.WriteString(strings.Join(params, "&"))
	b.WriteString(fragment)
	return b.String(), unescapedToo(secrets)
}

// unescapedToo adds the percent-decoded form of each secret: messages
// from the driver show the decoded password.
func unescapedToo(secrets []string) []string {
	out := secrets
	for _, s := range secrets {
		for _, unescape := range []func(string) (string, error){url.PathUnescape, url.QueryUnescape} {
			if u, err := unescape(s); err == nil && u != s {
				out = append(out, u)
			}
		}
	}
	return out
}

// redactDSN scans key = value pairs as libpq does: values are bare
// (backslash escapes) or single-quoted (backslash escapes).
func redactDSN(s string) (string, []string) {
	var b strings.Builder
	var secrets []string
	i := 0
	skipSpace := func(j int) int {
		for j < len(s) && isSpace(s[j]) {
			j++
		}
		return j
	}
	for i < len(s) {
		j := skipSpace(i)
		b.WriteString(s[i:j])
		if i = j; i >= len(s) {
			break
		}
		for j < len(s) && s[j] != '=' && !isSpace(s[j]) {
			j++
		}
		key := s[i:j]
		b.WriteString(key)
		i = j
		j = skipSpace(j)
		if j < len(s) && s[j] == '=' {
			j = skipSpace(j + 1)
		} else if key != "password" || j == len(s) {
			// Not key=value: copied as is and parsed as the next key.
			b.WriteString(s[i:j])
			i = j
			continue
		}
		b.WriteString(s[i:j])
		i = j
		j = dsnValueEnd(s, i)
		if key == "password" {
			secrets = append(secrets, s[i:j], dsnUnquote(s[i:j]))
			b.WriteString(redacted)
		} else {
			b.WriteString(s[i:j])
		}
		i = j
	}
	return b.String(), secrets
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'
}

func dsnValueEnd(s string, i int) int {
	if i < len(s) && s[i] == '\'' {
		j := i + 1
		for j < len(s) {
			switch s[j] {
			case '\\':
				j += 2
				continue
			case '\'':
				return j + 1
			}
			j++
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

func dsnUnquote(v string) string {
	v = strings.TrimPrefix(v, "'")
	v = strings.TrimSuffix(v, "'")
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		if v[i] == '\\' && i+1 < len(v) {
			i++
		}
		b.WriteByte(v[i])
	}
	return b.String()
}
