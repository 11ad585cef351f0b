package rails

import (
	"crypto/sha256"
	"encoding/hex"
	"regexp"
	"strings"
	"sync"

	"github.com/schemagate/schemagate/internal/inflect"
)

// The names Rails gives to what a migration creates when no name: is
// passed. A later migration finds the index, foreign key or check
// constraint by the same name, so they must match Rails byte for byte.

// maxIndexNameSize is Rails 7.1's limit before it hashes an index name.
const maxIndexNameSize = 62

// maxIdentifierLength is PostgreSQL's NAMEDATALEN-1.
const maxIdentifierLength = 63

// indexName is Rails' default index name for columns of table:
// index_<table>_on_<a>_and_<b>; from Migration[7.1] a name longer than
// 62 bytes becomes idx_on_<a>_<b>_<10 hex of its SHA-256>.
func indexName(table string, cols []string, hashed bool) string {
	name := "index_" + table + "_on_" + strings.Join(cols, "_and_")
	if !hashed || len(name) <= maxIndexNameSize {
		return name
	}
	sum := sha256.Sum256([]byte(name))
	suffix := "_" + hex.EncodeToString(sum[:])[:10]
	short := "idx_on_" + strings.Join(cols, "_")
	short = truncateBytes(short, maxIndexNameSize-len(suffix))
	return short + suffix
}

// truncateBytes cuts s to at most n bytes without splitting a character.
func truncateBytes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && n < len(s) && s[n]&0xC0 == 0x80 {
		n--
	}
	return s[:n]
}

var nonWord = regexp.MustCompile(`\W`)
var wordRun = regexp.MustCompile(`\w+`)

// isExpression reports whether an index "column" given as a string is an
// SQL expression (Rails: a String with a non-word character).
func isExpression(col string) bool { return nonWord.MatchString(col) }

// expressionNameColumns is how Rails names an expression index: the
// words of the expression joined by "_" ("lower(email)" ->
// "lower_email").
func expressionNameColumns(expr string) []string {
	return []string{strings.Join(wordRun.FindAllString(expr, -1), "_")}
}

// foreignKeyName is fk_rails_<first 10 hex of SHA-256 of
// "<table>_<column>_fk">.
func foreignKeyName(table string, cols []string) string {
	sum := sha256.Sum256([]byte(table + "_" + strings.Join(cols, "_and_") + "_fk"))
	return "fk_rails_" + hex.EncodeToString(sum[:])[:10]
}

// checkConstraintName is chk_rails_<first 10 hex of SHA-256 of
// "<table>_<expression>_chk">.
func checkConstraintName(table, expr string) string {
	sum := sha256.Sum256([]byte(table + "_" + expr + "_chk"))
	return "chk_rails_" + hex.EncodeToString(sum[:])[:10]
}

// joinTableName is create_join_table's default name: the two names in
// lexical order, a shared prefix written once ("music_artists",
// "music_records" -> "music_artists_records").
func joinTableName(a, b string) string {
	if b < a {
		a, b = b, a
	}
	// Rails: [a, b].join("\0").gsub(/^(.*_)(.+)\0\1(.+)/, '\1\2_\3').tr("\0", "_")
	for i := len(a) - 1; i >= 0; i-- {
		if a[i] != '_' {
			continue
		}
		prefix := a[:i+1]
		if len(a) > i+1 && strings.HasPrefix(b, prefix) && len(b) > len(prefix) {
			return prefix + a[i+1:] + "_" + b[len(prefix):]
		}
	}
	return a + "_" + b
}

// inflected caches inflections: migrations name the same few tables
// over and over, and the rules are regular expressions.
var inflected sync.Map // "p:" or "s:" + word -> string

func inflectCached(key, w string, f func(string) string) string {
	if v, ok := inflected.Load(key + w); ok {
		return v.(string)
	}
	// w may be a piece of a whole migration's text (tr.text), and an
	// inflection may return it as is: the cache, which lives as long as
	// the process (the language server), keeps copies of its own.
	out := strings.Clone(f(w))
	inflected.Store(key+w, out)
	return out
}

// pluralize is ActiveSupport's String#pluralize for English, which Rails
// uses for reference tables (user -> users).
func pluralize(w string) string { return inflectCached("p:", w, inflect.Default().Pluralize) }

// singularize is ActiveSupport's String#singularize for English.
func singularize(w string) string { return inflectCached("s:", w, inflect.Default().Singularize) }
