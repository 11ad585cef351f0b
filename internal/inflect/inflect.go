// Package inflect is ActiveSupport's inflector: the English plural and
// singular rules Rails ships (and those an app adds), and underscore.
// Rails derives table, foreign key and join table names with it, so the
// migration translator and the model reader must inflect alike.
package inflect

import (
	"regexp"
	"strings"
	"sync"
)

// Inflections is a set of Rails (ActiveSupport) inflection rules: the
// defaults Rails ships, plus whatever an app adds in
// config/initializers/inflections.rb. Rules are kept newest first, as
// Rails applies them: the first rule that matches wins.
type Inflections struct {
	plurals      []inflectRule
	singulars    []inflectRule
	uncountables []string
	uncountRE    map[string]*regexp.Regexp
	acronyms     []string // as written, in definition order
}

type inflectRule struct {
	re   *regexp.Regexp
	repl string // Go Expand template
}

// Default is the English inflections, built once on first use and
// shared: compiling their expressions would otherwise be start-up work
// for every run, including the many that inflect nothing. Callers must
// not add rules to it; English gives a copy of their own to extend.
var Default = sync.OnceValue(English)

// English returns the English inflections ActiveSupport defines out of
// the box.
func English() *Inflections {
	in := &Inflections{uncountRE: map[string]*regexp.Regexp{}}
	for _, r := range [][2]string{
		{`$`, "s"},
		{`(?i)s$`, "s"},
		{`(?i)^(ax|test)is$`, `\1es`},
		{`(?i)(octop|vir)us$`, `\1i`},
		{`(?i)(octop|vir)i$`, `\1i`},
		{`(?i)(alias|status)$`, `\1es`},
		{`(?i)(bu)s$`, `\1ses`},
		{`(?i)(buffal|tomat)o$`, `\1oes`},
		{`(?i)([ti])um$`, `\1a`},
		{`(?i)([ti])a$`, `\1a`},
		{`(?i)sis$`, "ses"},
		{`(?i)(?:([^f])fe|([lr])f)$`, `\1\2ves`},
		{`(?i)(hive)$`, `\1s`},
		{`(?i)([^aeiouy]|qu)y$`, `\1ies`},
		{`(?i)(x|ch|ss|sh)$`, `\1es`},
		{`(?i)(matr|vert|ind)(?:ix|ex)$`, `\1ices`},
		{`(?i)^(m|l)ouse$`, `\1ice`},
		{`(?i)^(m|l)ice$`, `\1ice`},
		{`(?i)^(ox)$`, `\1en`},
		{`(?i)^(oxen)$`, `\1`},
		{`(?i)(quiz)$`, `\1zes`},
	} {
		in.addPlural(regexp.MustCompile(r[0]), r[1])
	}
	for _, r := range [][2]string{
		{`(?i)s$`, ""},
		{`(?i)(ss)$`, `\1`},
		{`(?i)(n)ews$`, `\1ews`},
		{`(?i)([ti])a$`, `\1um`},
		{`(?i)((a)naly|(b)a|(d)iagno|(p)arenthe|(p)rogno|(s)ynop|(t)he)(sis|ses)$`, `\1sis`},
		{`(?i)(^analy)(sis|ses)$`, `\1sis`},
		{`(?i)([^f])ves$`, `\1fe`},
		{`(?i)(hive)s$`, `\1`},
		{`(?i)(tive)s$`, `\1`},
		{`(?i)([lr])ves$`, `\1f`},
		{`(?i)([^aeiouy]|qu)ies$`, `\1y`},
		{`(?i)(s)eries$`, `\1eries`},
		{`(?i)(m)ovies$`, `\1ovie`},
		{`(?i)(x|ch|ss|sh)es$`, `\1`},
		{`(?i)^(m|l)ice$`, `\1ouse`},
		{`(?i)(bus)(es)?$`, `\1`},
		{`(?i)(o)es$`, `\1`},
		{`(?i)(shoe)s$`, `\1`},
		{`(?i)(cris|test)(is|es)$`, `\1is`},
		{`(?i)^(a)x[ie]s$`, `\1xis`},
		{`(?i)(octop|vir)(us|i)$`, `\1us`},
		{`(?i)(alias|status)(es)?$`, `\1`},
		{`(?i)^(ox)en`, `\1`},
		{`(?i)(vert|ind)ices$`, `\1ex`},
		{`(?i)(matr)ices$`, `\1ix`},
		{`(?i)(quiz)zes$`, `\1`},
		{`(?i)(database)s$`, `\1`},
	} {
		in.addSingular(regexp.MustCompile(r[0]), r[1])
	}
	in.Irregular("person", "people")
	in.Irregular("man", "men")
	in.Irregular("child", "children")
	in.Irregular("sex", "sexes")
	in.Irregular("move", "moves")
	in.Irregular("zombie", "zombies")
	in.Uncountable("equipment", "information", "rice", "money", "species", "series", "fish", "sheep", "jeans", "police")
	return in
}

// rubyReplacement turns a Ruby sub replacement ('\1ies') into a Go
// Expand template.
func rubyReplacement(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\\' && i+1 < len(s) && s[i+1] >= '0' && s[i+1] <= '9':
			b.WriteString("${" + s[i+1:i+2] + "}")
			i++
		case c == '\\' && i+1 < len(s) && s[i+1] == '\\':
			b.WriteByte('\\')
			i++
		case c == '$':
			b.WriteString("$$")
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

func (in *Inflections) addPlural(re *regexp.Regexp, repl string) {
	in.removeUncountable(repl)
	in.plurals = append([]inflectRule{{re, rubyReplacement(repl)}}, in.plurals...)
}

func (in *Inflections) addSingular(re *regexp.Regexp, repl string) {
	in.removeUncountable(repl)
	in.singulars = append([]inflectRule{{re, rubyReplacement(repl)}}, in.singulars...)
}

// Plural adds a plural rule; pattern is a Go regexp, replacement uses
// Ruby's \1 back-references.
func (in *Inflections) Plural(pattern *regexp.Regexp, replacement string) {
	in.addPlural(pattern, replacement)
}

// Singular adds a singular rule, like Plural.
func (in *Inflections) Singular(pattern *regexp.Regexp, replacement string) {
	in.addSingular(pattern, replacement)
}

// Irregular adds an irregular singular/plural pair the way Rails does:
// the rules match the word at the end of any string ("salesperson" ->
// "salespeople").
func (in *Inflections) Irregular(singular, plural string) {
	if singular == "" || plural == "" {
		return
	}
	in.removeUncountable(singular)
	in.removeUncountable(plural)
	s0, srest := singular[:1], regexp.QuoteMeta(singular[1:])
	p0, prest := plural[:1], regexp.QuoteMeta(plural[1:])
	rawP, rawS := plural[1:], singular[1:]
	if strings.EqualFold(s0, p0) {
		in.addPlural(regexp.MustCompile(`(?i)(`+regexp.QuoteMeta(s0)+`)`+srest+`$`), `\1`+rawP)
		in.addPlural(regexp.MustCompile(`(?i)(`+regexp.QuoteMeta(p0)+`)`+prest+`$`), `\1`+rawP)
		in.addSingular(regexp.MustCompile(`(?i)(`+regexp.QuoteMeta(s0)+`)`+srest+`$`), `\1`+rawS)
		in.addSingular(regexp.MustCompile(`(?i)(`+regexp.QuoteMeta(p0)+`)`+prest+`$`), `\1`+rawS)
		return
	}
	up, low := strings.ToUpper, strings.ToLower
	q := regexp.QuoteMeta
	in.addPlural(regexp.MustCompile(q(up(s0))+`(?i)`+srest+`$`), up(p0)+rawP)
	in.addPlural(regexp.MustCompile(q(low(s0))+`(?i)`+srest+`$`), low(p0)+rawP)
	in.addPlural(regexp.MustCompile(q(up(p0))+`(?i)`+prest+`$`), up(p0)+rawP)
	in.addPlural(regexp.MustCompile(q(low(p0))+`(?i)`+prest+`$`), low(p0)+rawP)
	in.addSingular(regexp.MustCompile(q(up(s0))+`(?i)`+srest+`$`), up(s0)+rawS)
	in.addSingular(regexp.MustCompile(q(low(s0))+`(?i)`+srest+`$`), low(s0)+rawS)
	in.addSingular(regexp.MustCompile(q(up(p0))+`(?i)`+prest+`$`), up(s0)+rawS)
	in.addSingular(regexp.MustCompile(q(low(p0))+`(?i)`+prest+`$`), low(s0)+rawS)
}

// Uncountable marks words that are the same in singular and plural.
func (in *Inflections) Uncountable(words ...string) {
	for _, w := range words {
		w = strings.ToLower(w)
		if _, ok := in.uncountRE[w]; ok || w == "" {
			continue
		}
		in.uncountables = append(in.uncountables, w)
		in.uncountRE[w] = regexp.MustCompile(`(?i)\b` + regexp.QuoteMeta(w) + `$`)
	}
}

// Acronym registers an acronym ("API", "RESTful") that Underscore keeps
// together.
func (in *Inflections) Acronym(word string) {
	if word == "" {
		return
	}
	for i, a := range in.acronyms {
		if strings.EqualFold(a, word) {
			in.acronyms[i] = word
			return
		}
	}
	in.acronyms = append(in.acronyms, word)
}

func (in *Inflections) removeUncountable(w string) {
	w = strings.ToLower(w)
	if _, ok := in.uncountRE[w]; !ok {
		return
	}
	delete(in.uncountRE, w)
	for i, u := range in.uncountables {
		if u == w {
			in.uncountables = append(in.uncountables[:i:i], in.uncountables[i+1:]...)
			break
		}
	}
}

func (in *Inflections) uncountable(word string) bool {
	for _, u := range in.uncountables {
		if in.uncountRE[u].MatchString(word) {
			return true
		}
	}
	return false
}

func (in *Inflections) apply(word string, rules []inflectRule) string {
	if word == "" || in.uncountable(word) {
		return word
	}
	for _, r := range rules {
		m := r.re.FindStringSubmatchIndex(word)
		if m == nil {
			continue
		}
		var out []byte
		out = append(out, word[:m[0]]...)
		out = r.re.ExpandString(out, r.repl, word, m)
		out = append(out, word[m[1]:]...)
		return string(out)
	}
	return word
}

// Pluralize returns the plural of word ("person" -> "people").
func (in *Inflections) Pluralize(word string) string { return in.apply(word, in.plurals) }

// Singularize returns the singular of word ("categories" -> "category").
func (in *Inflections) Singularize(word string) string { return in.apply(word, in.singulars) }

// Underscore turns a CamelCase constant path into snake_case the way
// ActiveSupport does ("Admin::HTMLPage" -> "admin/html_page"),
// honouring registered acronyms.
func (in *Inflections) Underscore(word string) string {
	if !strings.ContainsAny(word, "ABCDEFGHIJKLMNOPQRSTUVWXYZ-") && !strings.Contains(word, "::") {
		return word
	}
	w := strings.ReplaceAll(word, "::", "/")
	if len(in.acronyms) > 0 {
		w = in.underscoreAcronyms(w)
	}
	var b strings.Builder
	for i := 0; i < len(w); i++ {
		if i > 0 && isUpper(w[i]) {
			prev := w[i-1]
			if (isLower(prev) || isDigit(prev)) ||
				(isUpper(prev) && i+1 < len(w) && isLower(w[i+1])) {
				b.WriteByte('_')
			}
		}
		b.WriteByte(w[i])
	}
	return strings.ToLower(strings.ReplaceAll(b.String(), "-", "_"))
}

// underscoreAcronyms lower-cases registered acronyms, preceded by "_"
// when they follow a letter or digit, as ActiveSupport's
// acronyms_underscore_regex does.
func (in *Inflections) underscoreAcronyms(w string) string {
	var b strings.Builder
	for i := 0; i < len(w); {
		var prev byte
		if i > 0 {
			prev = w[i-1]
		}
		afterAlnum := i > 0 && (isUpper(prev) || isLower(prev) || isDigit(prev))
		atBoundary := i == 0 || !isWordByte(prev)
		matched := ""
		if afterAlnum || atBoundary {
			for _, a := range in.acronyms {
				if strings.HasPrefix(w[i:], a) {
					end := i + len(a)
					if end == len(w) || !isLower(w[end]) {
						matched = a
						break
					}
				}
			}
		}
		if matched == "" {
			b.WriteByte(w[i])
			i++
			continue
		}
		if afterAlnum {
			b.WriteByte('_')
		}
		b.WriteString(strings.ToLower(matched))
		i += len(matched)
	}
	return b.String()
}

// Tableize returns the table ActiveRecord derives for a model class
// with no table_name_prefix: the last constant of the path, underscored
// and pluralized ("Admin::UserProfile" -> "user_profiles"). Unlike
// ActiveSupport's String#tableize it drops the namespace, because that
// is what ActiveRecord's compute_table_name does.
func (in *Inflections) Tableize(className string) string {
	return in.Pluralize(in.Underscore(Demodulize(className)))
}

// Demodulize is the last constant of a path ("Admin::User" -> "User").
func Demodulize(name string) string {
	if i := strings.LastIndex(name, "::"); i >= 0 {
		return name[i+2:]
	}
	return name
}

func isUpper(c byte) bool    { return c >= 'A' && c <= 'Z' }
func isLower(c byte) bool    { return c >= 'a' && c <= 'z' }
func isDigit(c byte) bool    { return c >= '0' && c <= '9' }
func isWordByte(c byte) bool { return isUpper(c) || isLower(c) || isDigit(c) || c == '_' }
