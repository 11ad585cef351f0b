package orm

import (
	"regexp"
	"strings"
	"unicode"
)

// The naming rules below are each library's own, spelled as the library
// spells them, so that a name derived here is the name the library sends.

var (
	reTypeORMUpperUpperLower = regexp.MustCompile(`([A-Z])([A-Z])([a-z])`)
	reTypeORMLowerUpper      = regexp.MustCompile(`([a-z0-9])([A-Z])`)
)

// typeormSnake is TypeORM's StringUtils.snakeCase: "ABc" -> "a_bc",
// "aC" -> "a_c", lower-cased. DefaultNamingStrategy names tables with it.
func typeormSnake(s string) string {
	s = reTypeORMUpperUpperLower.ReplaceAllString(s, "${1}_${2}${3}")
	s = reTypeORMLowerUpper.ReplaceAllString(s, "${1}_${2}")
	return strings.ToLower(s)
}

// typeormCamel is TypeORM's StringUtils.camelCase: a leading capital is
// lowered, a space, "-" or "_" before a word character is dropped and
// the character raised. Join column names are built with it.
func typeormCamel(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case i == 0 && isUpper(c):
			b.WriteByte(c + 'a' - 'A')
		case (c == ' ' || c == '\t' || c == '\n' || c == '-' || c == '_') && i+1 < len(s) && isWordByte(s[i+1]):
			b.WriteString(strings.ToUpper(s[i+1 : i+2]))
			i++
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// typeormTitle is TypeORM's StringUtils.titleCase on one word: first
// letter raised, the rest lowered ("firstName" -> "Firstname").
func typeormTitle(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + strings.ToLower(s[1:])
}

// sequelizeUnderscore is inflection.underscore, which Sequelize's
// underscored option applies: "_" before every capital, a leading "_"
// dropped, lower-cased ("firstName" -> "first_name").
func sequelizeUnderscore(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if isUpper(c) {
			if b.Len() > 0 {
				b.WriteByte('_')
			}
			b.WriteByte(c + 'a' - 'A')
			continue
		}
		b.WriteByte(c)
	}
	return strings.TrimPrefix(b.String(), "_")
}

var reMikroLowerUpper = regexp.MustCompile(`([a-z])([A-Z])`)

// mikroUnderscore is MikroORM's UnderscoreNamingStrategy.underscore.
func mikroUnderscore(s string) string {
	return strings.ToLower(reMikroLowerUpper.ReplaceAllString(s, "${1}_${2}"))
}

// springPhysical is Spring Boot's CamelCaseToUnderscoresNamingStrategy
// (the default physical naming strategy): dots become "_", a capital
// between a lower-case letter or digit and a lower-case letter or digit
// gets a "_" before it, and the result is lower-cased. It applies to
// explicit names as well as implicit ones; a quoted name is kept.
func springPhysical(s string) string {
	if len(s) >= 2 && (s[0] == '"' && s[len(s)-1] == '"' || s[0] == '`' && s[len(s)-1] == '`') {
		return s[1 : len(s)-1]
	}
	b := []rune(strings.ReplaceAll(s, ".", "_"))
	for i := 1; i < len(b)-1; i++ {
		before, cur, after := b[i-1], b[i], b[i+1]
		if (unicode.IsLower(before) || unicode.IsDigit(before)) && unicode.IsUpper(cur) && (unicode.IsLower(after) || unicode.IsDigit(after)) {
			b = append(b[:i], append([]rune{'_'}, b[i:]...)...)
			i++
		}
	}
	return strings.ToLower(string(b))
}

// entSnake is ent's gen snake: "_" before a capital that follows a
// lower-case letter, or that starts a new word after an acronym
// ("HTTPServer" -> "http_server").
func entSnake(s string) string {
	var b strings.Builder
	j := 0
	for i := 0; i < len(s); i++ {
		r := rune(s[i])
		if i > 0 && i < len(s)-1 && unicode.IsUpper(r) {
			if unicode.IsLower(rune(s[i-1])) ||
				j != i-1 && unicode.IsLower(rune(s[i+1])) && unicode.IsLetter(rune(s[i-1])) {
				j = i
				b.WriteByte('_')
			}
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

// bunUnderscore is bun's internal.Underscore: a capital after a
// lower-case letter, or ending an acronym before a lower-case letter,
// starts a word ("UserID" -> "user_id", "HTTPEndpoint" ->
// "http_endpoint"); a name with underscores has each part converted and
// joined with "__".
func bunUnderscore(s string) string {
	parts := strings.Split(s, "_")
	for i, p := range parts {
		parts[i] = bunWord(p)
	}
	return strings.Join(parts, "__")
}

func bunWord(s string) string {
	r := make([]byte, 0, len(s)+5)
	inUpper, atStart := false, true
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !isUpper(c) {
			r = append(r, c)
			inUpper, atStart = false, false
			continue
		}
		lower := c + 'a' - 'A'
		switch {
		case i > 0 && i == len(s)-1:
			r = append(r, lower)
			continue
		case atStart:
			r = append(r, lower)
			atStart, inUpper = false, true
			continue
		}
		if !inUpper {
			r = append(r, '_')
		}
		if i+1 < len(s) && isLower(s[i+1]) && inUpper && len(r) > 0 && r[len(r)-1] != '_' {
			r = append(r, '_')
		}
		r = append(r, lower)
		inUpper = true
	}
	return string(r)
}

func isUpper(c byte) bool    { return c >= 'A' && c <= 'Z' }
func isLower(c byte) bool    { return c >= 'a' && c <= 'z' }
func isDigit(c byte) bool    { return c >= '0' && c <= '9' }
func isWordByte(c byte) bool { return isUpper(c) || isLower(c) || isDigit(c) || c == '_' }
