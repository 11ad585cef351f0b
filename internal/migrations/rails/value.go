package rails

import (
	"strconv"
	"strings"
)

// kind is the kind of a Ruby value the interpreter can know.
type kind uint8

const (
	kUnknown kind = iota // anything not evaluated: a method result, an instance variable, ...
	kNil
	kBool
	kInt
	kFloat
	kString
	kSymbol
	kArray
	kHash
	kProc  // a lambda or proc whose body is a string: raw SQL for default:
	kRegex // a regex literal; s is the Go regular expression
	// Block parameters the migration DSL yields.
	kTableDef   // create_table's t
	kTable      // change_table's t
	kReversible // reversible's dir
)

// value is a Ruby value as far as the interpreter knows it.
type value struct {
	k    kind
	b    bool
	s    string // string, symbol, raw SQL of a proc; the literal text of a number
	i    int64
	f    float64
	list []value // array elements; hash keys
	vals []value // hash values
	n    *node   // where the value was written
	// ref points at the table definition a block parameter stands for.
	ref any
}

func (v value) known() bool { return v.k != kUnknown }

// str returns the value as Rails uses a name argument: strings and
// symbols as they are; numbers as their text.
func (v value) str() (string, bool) {
	switch v.k {
	case kString, kSymbol:
		return v.s, true
	case kInt:
		return strconv.FormatInt(v.i, 10), true
	case kFloat:
		return v.s, true
	}
	return "", false
}

// names returns a name or a list of names (Array(column)).
func (v value) names() ([]string, bool) {
	if v.k == kArray {
		out := make([]string, 0, len(v.list))
		for _, e := range v.list {
			s, ok := e.str()
			if !ok {
				return nil, false
			}
			out = append(out, s)
		}
		return out, true
	}
	s, ok := v.str()
	if !ok {
		return nil, false
	}
	return []string{s}, true
}

// truthy is Ruby's truth of a known value: only nil and false are false.
func (v value) truthy() bool {
	switch v.k {
	case kNil:
		return false
	case kBool:
		return v.b
	}
	return true
}

// get returns a hash entry by symbol or string key.
func (v value) get(key string) (value, bool) {
	if v.k != kHash {
		return value{}, false
	}
	for i, k := range v.list {
		if (k.k == kSymbol || k.k == kString) && k.s == key {
			return v.vals[i], true
		}
	}
	return value{}, false
}

// set returns a copy of the hash with key set.
func (v value) set(key string, val value) value {
	out := value{k: kHash, n: v.n}
	replaced := false
	for i, k := range v.list {
		if (k.k == kSymbol || k.k == kString) && k.s == key {
			out.list = append(out.list, k)
			out.vals = append(out.vals, val)
			replaced = true
			continue
		}
		out.list = append(out.list, k)
		out.vals = append(out.vals, v.vals[i])
	}
	if !replaced {
		out.list = append(out.list, value{k: kSymbol, s: key})
		out.vals = append(out.vals, val)
	}
	return out
}

// rubyInspect renders a value roughly as Ruby's #inspect, for messages.
func (v value) rubyText() string {
	switch v.k {
	case kNil:
		return "nil"
	case kBool:
		return strconv.FormatBool(v.b)
	case kInt:
		return strconv.FormatInt(v.i, 10)
	case kFloat:
		return v.s
	case kString:
		return strconv.Quote(v.s)
	case kSymbol:
		return ":" + v.s
	}
	return "?"
}

// opts is a call's keyword options.
type opts struct{ h value }

func (o opts) has(key string) bool {
	_, ok := o.h.get(key)
	return ok
}

func (o opts) get(key string) (value, bool) { return o.h.get(key) }

func (o opts) str(key string) (string, bool) {
	v, ok := o.h.get(key)
	if !ok {
		return "", false
	}
	return v.str()
}

// bool returns the option's truth; absent or unknown is def.
func (o opts) bool(key string, def bool) bool {
	v, ok := o.h.get(key)
	if !ok || !v.known() {
		return def
	}
	return v.truthy()
}

func (o opts) int(key string) (int, bool) {
	v, ok := o.h.get(key)
	if !ok {
		return 0, false
	}
	switch v.k {
	case kInt:
		return int(v.i), true
	case kString:
		i, err := strconv.Atoi(strings.TrimSpace(v.s))
		return i, err == nil
	}
	return 0, false
}

// isNil reports an option given as nil.
func (o opts) isNil(key string) bool {
	v, ok := o.h.get(key)
	return ok && v.k == kNil
}

func (o opts) with(key string, v value) opts { return opts{o.h.set(key, v)} }

func (o opts) without(keys ...string) opts {
	out := value{k: kHash}
	for i, k := range o.h.list {
		drop := false
		for _, key := range keys {
			if (k.k == kSymbol || k.k == kString) && k.s == key {
				drop = true
			}
		}
		if !drop {
			out.list = append(out.list, k)
			out.vals = append(out.vals, o.h.vals[i])
		}
	}
	return opts{out}
}

func emptyOpts() opts { return opts{value{k: kHash}} }

// squish is ActiveSupport's String#squish.
func squish(s string) string { return strings.Join(strings.Fields(s), " ") }
