package rails

import (
	"crypto/sha256"
	"encoding/hex"
	"regexp"
	"strings"
	"sync"
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

// ActiveSupport's English inflections, which Rails uses for foreign key
// columns (users -> user_id) and reference tables (user -> users).

type inflection struct {
	re   *regexp.Regexp
	repl string
}

var (
	plurals      []inflection // most recent rule first, as ActiveSupport applies them
	singulars    []inflection
	uncountables = []string{"equipment", "information", "rice", "money", "species", "series", "fish", "sheep", "jeans", "police"}
)

func rule(list *[]inflection, re, repl string) {
	*list = append([]inflection{{regexp.MustCompile(re), repl}}, *list...)
}

func init() {
	p := func(re, repl string) { rule(&plurals, re, repl) }
	s := func(re, repl string) { rule(&singulars, re, repl) }
	p(`$`, "s")
	p(`(?i)s$`, "s")
	p(`(?i)^(ax|test)is$`, "${1}es")
	p(`(?i)(octop|vir)us$`, "${1}i")
	p(`(?i)(octop|vir)i$`, "${1}i")
	p(`(?i)(alias|status)$`, "${1}es")
	p(`(?i)(bu)s$`, "${1}ses")
	p(`(?i)(buffal|tomat)o$`, "${1}oes")
	p(`(?i)([ti])um$`, "${1}a")
	p(`(?i)([ti])a$`, "${1}a")
	p(`(?i)sis$`, "ses")
	p(`(?i)(?:([^f])fe|([lr])f)$`, "${1}${2}ves")
	p(`(?i)(hive)$`, "${1}s")
	p(`(?i)([^aeiouy]|qu)y$`, "${1}ies")
	p(`(?i)(x|ch|ss|sh)$`, "${1}es")
	p(`(?i)(matr|vert|ind)(?:ix|ex)$`, "${1}ices")
	p(`(?i)^(m|l)ouse$`, "${1}ice")
	p(`(?i)^(m|l)ice$`, "${1}ice")
	p(`(?i)^(ox)$`, "${1}en")
	p(`(?i)^(oxen)$`, "${1}")
	p(`(?i)(quiz)$`, "${1}zes")

	s(`(?i)s$`, "")
	s(`(?i)(ss)$`, "${1}")
	s(`(?i)(n)ews$`, "${1}ews")
	s(`(?i)([ti])a$`, "${1}um")
	s(`(?i)((a)naly|(b)a|(d)iagno|(p)arenthe|(p)rogno|(s)ynop|(t)he)(sis|ses)$`, "${1}sis")
	s(`(?i)(^analy)(sis|ses)$`, "${1}sis")
	s(`(?i)([^f])ves$`, "${1}fe")
	s(`(?i)(hive)s$`, "${1}")
	s(`(?i)(tive)s$`, "${1}")
	s(`(?i)([lr])ves$`, "${1}f")
	s(`(?i)([^aeiouy]|qu)ies$`, "${1}y")
	s(`(?i)(s)eries$`, "${1}eries")
	s(`(?i)(m)ovies$`, "${1}ovie")
	s(`(?i)(x|ch|ss|sh)es$`, "${1}")
	s(`(?i)^(m|l)ice$`, "${1}ouse")
	s(`(?i)(bus)(es)?$`, "${1}")
	s(`(?i)(o)es$`, "${1}")
	s(`(?i)(shoe)s$`, "${1}")
	s(`(?i)(cris|test)(is|es)$`, "${1}is")
	s(`(?i)^(a)x[ie]s$`, "${1}xis")
	s(`(?i)(octop|vir)(us|i)$`, "${1}us")
	s(`(?i)(alias|status)(es)?$`, "${1}")
	s(`(?i)^(ox)en`, "${1}")
	s(`(?i)(vert|ind)ices$`, "${1}ex")
	s(`(?i)(matr)ices$`, "${1}ix")
	s(`(?i)(quiz)zes$`, "${1}")
	s(`(?i)(database)s$`, "${1}")

	for _, ir := range [][2]string{{"person", "people"}, {"man", "men"}, {"child", "children"}, {"sex", "sexes"}, {"move", "moves"}, {"zombie", "zombies"}} {
		sg, pl := ir[0], ir[1]
		p(`(?i)(`+sg[:1]+`)`+sg[1:]+`$`, "${1}"+pl[1:])
		p(`(?i)(`+pl[:1]+`)`+pl[1:]+`$`, "${1}"+pl[1:])
		s(`(?i)(`+sg[:1]+`)`+sg[1:]+`$`, "${1}"+sg[1:])
		s(`(?i)(`+pl[:1]+`)`+pl[1:]+`$`, "${1}"+sg[1:])
	}
}

func uncountable(w string) bool {
	lw := strings.ToLower(w)
	for _, u := range uncountables {
		if strings.HasSuffix(lw, u) {
			i := len(lw) - len(u)
			if i == 0 || !isWordByte(lw[i-1]) {
				return true
			}
		}
	}
	return false
}

func isWordByte(b byte) bool {
	return b == '_' || b >= '0' && b <= '9' || b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z'
}

// inflected caches inflections: migrations name the same few tables
// over and over, and the rules are regular expressions.
var inflected sync.Map // "p:" or "s:" + word -> string

func inflect(w string, rules []inflection) string {
	key := "s:" + w
	if len(rules) > 0 && &rules[0] == &plurals[0] {
		key = "p:" + w
	}
	if v, ok := inflected.Load(key); ok {
		return v.(string)
	}
	out := inflectUncached(w, rules)
	inflected.Store(key, out)
	return out
}

func inflectUncached(w string, rules []inflection) string {
	if w == "" || uncountable(w) {
		return w
	}
	for _, r := range rules {
		if loc := r.re.FindStringSubmatchIndex(w); loc != nil {
			var dst []byte
			dst = append(dst, w[:loc[0]]...)
			dst = r.re.ExpandString(dst, r.repl, w, loc)
			dst = append(dst, w[loc[1]:]...)
			return string(dst)
		}
	}
	return w
}

// pluralize is ActiveSupport's String#pluralize for English.
func pluralize(w string) string { return inflect(w, plurals) }

// singularize is ActiveSupport's String#singularize for English.
func singularize(w string) string { return inflect(w, singulars) }
