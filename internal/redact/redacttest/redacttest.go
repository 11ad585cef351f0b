// Package redacttest generates connection strings holding a password,
// in every spelling people write one, for tests that make sure the
// password is never printed.
package redacttest

import (
	"fmt"
	"math/rand/v2"
	"net/url"
	"strings"
	"unicode/utf8"
)

// Spellings of a connection string.
const (
	URLEncoded = "url, percent-encoded userinfo"
	URLRaw     = "url, password written raw"
	URLQuery   = "url, password query parameter"
	DSNSingle  = "key=value, single-quoted"
	DSNDouble  = "key=value, double-quoted"
	DSNBare    = "key=value, bare with backslash escapes"
)

// Spellings lists every spelling Generate uses.
var Spellings = []string{URLEncoded, URLRaw, URLQuery, DSNSingle, DSNDouble, DSNBare}

// Case is one generated connection string.
type Case struct {
	Conn     string // the connection string as a user would pass it
	Password string // the password it carries, decoded
	Written  string // the password as written in Conn
	Spelling string
	// Removable: redact.RemovePassword must give Password back.
	Removable bool
}

var (
	schemes = []string{"postgres", "postgresql", "POSTGRES", "Postgres", "PostgreSQL", "pgsql", "PGSQL"}
	keys    = []string{"password", "PASSWORD", "Password"}
	spaces  = []string{"", " ", "  ", "\t"}
	// Characters that break naive parsers: quotes, escapes, separators,
	// URL delimiters, spaces and non-ASCII letters.
	specials = []rune(` !"#$&'()*+,-./:;<=>?@[\]^_{|}~äé€`)
	letters  = []rune("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
)

// Generate returns n cases from seed, cycling through the spellings.
func Generate(n int, seed uint64) []Case {
	r := rand.New(rand.NewPCG(seed, seed^0x5eed))
	out := make([]Case, 0, n)
	for i := range n {
		out = append(out, generate(r, Spellings[i%len(Spellings)]))
	}
	return out
}

// password is 12 to 24 characters, at least a third of them special,
// starting with letters so that no two cases share a fragment.
func password(r *rand.Rand, exclude string) string {
	var b strings.Builder
	for range 4 {
		b.WriteRune(letters[r.IntN(len(letters))])
	}
	for n := 8 + r.IntN(13); n > 0; {
		c := letters[r.IntN(len(letters))]
		if r.IntN(2) == 0 {
			c = specials[r.IntN(len(specials))]
		}
		if strings.ContainsRune(exclude, c) {
			continue
		}
		b.WriteRune(c)
		n--
	}
	return b.String()
}

func pick[T any](r *rand.Rand, list []T) T { return list[r.IntN(len(list))] }

func generate(r *rand.Rand, spelling string) Case {
	lead := pick(r, spaces)
	scheme := pick(r, schemes)
	key := pick(r, keys)
	c := Case{Spelling: spelling, Removable: true}
	switch spelling {
	case URLEncoded:
		c.Password = password(r, "")
		u := url.URL{Scheme: "postgres", User: url.UserPassword("app", c.Password), Host: "127.0.0.1:1", Path: "/appdb"}
		c.Conn = lead + scheme + strings.TrimPrefix(u.String(), "postgres")
		c.Written = u.User.String()[len("app:"):]
	case URLRaw:
		// As people write them: unescaped, but no % (it would be decoded)
		// and no space (no URL has one).
		c.Password = password(r, "% \t")
		c.Written = c.Password
		c.Conn = fmt.Sprintf("%s%s://app:%s@127.0.0.1:1/appdb?sslmode=disable", lead, scheme, c.Password)
	case URLQuery:
		c.Password = password(r, "")
		c.Written = url.QueryEscape(c.Password)
		c.Conn = fmt.Sprintf("%s%s://127.0.0.1:1/appdb?user=app&%s=%s&sslmode=disable", lead, scheme, key, c.Written)
	case DSNSingle:
		c.Password = password(r, "")
		c.Written = "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(c.Password) + "'"
		c.Conn = fmt.Sprintf("%shost=127.0.0.1 port=1 user=app %s=%s dbname=appdb", lead, key, c.Written)
	case DSNDouble:
		c.Password = password(r, "")
		c.Written = `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(c.Password) + `"`
		c.Conn = fmt.Sprintf("%shost=127.0.0.1 port=1 %s = %s user=app dbname=appdb", lead, key, c.Written)
	case DSNBare:
		c.Password = password(r, "'\"") // a bare value cannot start with a quote; keep quotes out
		c.Written = strings.NewReplacer(`\`, `\\`, " ", `\ `).Replace(c.Password)
		c.Conn = fmt.Sprintf("%shost=127.0.0.1 port=1 user=app dbname=appdb %s=%s", lead, key, c.Written)
	}
	return c
}

// Forms are the texts that must not be printed: the password as
// written and decoded.
func (c Case) Forms() []string {
	return []string{c.Written, c.Password}
}

// Findable reports whether a redactor scanning free text, without being
// told the connection string, can find the whole password: a raw URL
// password with a space cannot be told from the words after it.
func (c Case) Findable() bool {
	return c.Spelling != URLRaw || !strings.ContainsAny(c.Password, " \t")
}

// LeakedIn reports whether out shows the password or any 6-character
// piece of it (as written or decoded), and which.
func (c Case) LeakedIn(out string) (string, bool) {
	for _, form := range c.Forms() {
		runes := []rune(form)
		const piece = 6
		if len(runes) < piece {
			if strings.Contains(out, form) {
				return form, true
			}
			continue
		}
		for i := 0; i+piece <= len(runes); i++ {
			frag := string(runes[i : i+piece])
			if utf8.ValidString(frag) && strings.Contains(out, frag) && !boring(frag) {
				return frag, true
			}
		}
	}
	return "", false
}

// boring fragments could come from the rest of a message: no letter or
// digit in them.
func boring(frag string) bool {
	for _, c := range frag {
		if c < 128 && (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}
