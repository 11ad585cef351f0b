package lintcache

import (
	"bufio"
	"encoding/binary"
	"errors"
	"io"

	"github.com/schemagate/schemagate/internal/source"
	"github.com/schemagate/schemagate/rules"
)

// The findings are encoded by hand: gob's reflection took most of a warm
// run. Varints, strings interned (a rule's name, category and hint and a
// file's path repeat in almost every finding), and a nil slice told from
// an empty one, as the JSON report tells them apart. TestCodecFields
// fails when rules.Finding gains a field this does not write.

// limit bounds any length or count read, so that a damaged entry cannot
// make the decoder allocate without end before its checksum is checked.
const limit = 1 << 26

type encoder struct {
	w       *bufio.Writer
	strings map[string]int
	buf     [binary.MaxVarintLen64]byte
}

func encode(w io.Writer, fs []rules.Finding) error {
	e := &encoder{w: bufio.NewWriterSize(w, 64<<10), strings: map[string]int{}}
	e.uint(uint64(len(fs)))
	for i := range fs {
		e.finding(&fs[i])
	}
	return e.w.Flush()
}

// A bufio.Writer keeps its first error and Flush returns it: the writes
// need not be checked one by one.

func (e *encoder) uint(n uint64) { _, _ = e.w.Write(binary.AppendUvarint(e.buf[:0], n)) }
func (e *encoder) int(n int)     { _, _ = e.w.Write(binary.AppendVarint(e.buf[:0], int64(n))) }

// str writes a string seen before as its number plus one, a new one as
// 0, its length and its bytes.
func (e *encoder) str(s string) {
	if i, ok := e.strings[s]; ok {
		e.uint(uint64(i) + 1)
		return
	}
	e.strings[s] = len(e.strings)
	e.uint(0)
	e.uint(uint64(len(s)))
	_, _ = e.w.WriteString(s)
}

// count writes a slice's length plus one, or 0 for nil.
func (e *encoder) count(n int, isNil bool) {
	if isNil {
		e.uint(0)
		return
	}
	e.uint(uint64(n) + 1)
}

func (e *encoder) pos(p source.Pos) {
	e.int(p.Offset)
	e.int(p.Line)
	e.int(p.Column)
}

func (e *encoder) finding(f *rules.Finding) {
	e.str(f.Rule)
	e.int(int(f.Severity))
	e.str(string(f.Category))
	e.str(f.File)
	e.pos(f.Span.Start)
	e.pos(f.Span.End)
	e.str(f.Message)
	e.str(f.Hint)
	e.str(f.Release)
	e.count(len(f.Evidence), f.Evidence == nil)
	for _, ev := range f.Evidence {
		e.str(ev.Release)
		e.str(ev.File)
		e.int(ev.Line)
		e.int(ev.Column)
		e.str(ev.Snippet)
		e.str(ev.Kind)
	}
	e.int(f.MoreEvidence)
	e.count(len(f.Fixes), f.Fixes == nil)
	for _, fx := range f.Fixes {
		e.str(fx.Title)
		e.count(len(fx.Edits), fx.Edits == nil)
		for _, ed := range fx.Edits {
			e.int(ed.Start)
			e.int(ed.End)
			e.str(ed.Text)
		}
	}
}

// decoder reads an entry from memory: varints read byte by byte through
// an io.ByteReader, and a string allocated each, took most of a warm run.
// Strings are cut from one copy of the entry.
type decoder struct {
	data    string
	at      int
	strings []string
	err     error
}

var errDamaged = errors.New("findings do not decode")

func decode(r io.Reader) ([]rules.Finding, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	d := &decoder{data: string(data)}
	n := d.uint()
	// A finding takes at least 16 bytes: a larger count is damage.
	if n > limit || n > uint64(len(data)/8) {
		return nil, errDamaged
	}
	// Decoded in place: a finding is some 200 bytes to copy.
	fs := make([]rules.Finding, n)
	for i := range fs {
		if d.finding(&fs[i]); d.err != nil {
			break
		}
	}
	if d.err != nil {
		return nil, d.err
	}
	return fs, nil
}

func (d *decoder) uint() uint64 {
	if d.err != nil {
		return 0
	}
	var n uint64
	for shift := uint(0); d.at < len(d.data) && shift < 64; shift += 7 {
		b := d.data[d.at]
		d.at++
		n |= uint64(b&0x7f) << shift
		if b < 0x80 {
			if shift == 63 && b > 1 {
				break // overflows 64 bits, as binary.ReadUvarint refuses
			}
			return n
		}
	}
	d.err = errDamaged
	return 0
}

func (d *decoder) int() int {
	u := d.uint()
	n := int64(u >> 1)
	if u&1 != 0 {
		n = ^n
	}
	return int(n)
}

func (d *decoder) str() string {
	i := d.uint()
	if d.err != nil {
		return ""
	}
	if i > 0 {
		if i > uint64(len(d.strings)) {
			d.err = errDamaged
			return ""
		}
		return d.strings[i-1]
	}
	n := d.uint()
	if d.err != nil || n > limit || n > uint64(len(d.data)-d.at) {
		d.err = errDamaged
		return ""
	}
	s := d.data[d.at : d.at+int(n)]
	d.at += int(n)
	d.strings = append(d.strings, s)
	return s
}

// count reads a slice's length; nil is -1. A finding has a few
// evidence places and fixes, never thousands.
func (d *decoder) count() int {
	n := d.uint()
	if d.err != nil || n > 1<<16 {
		d.err = errDamaged
		return -1
	}
	return int(n) - 1
}

func (d *decoder) pos() source.Pos {
	return source.Pos{Offset: d.int(), Line: d.int(), Column: d.int()}
}

func (d *decoder) finding(f *rules.Finding) {
	f.Rule = d.str()
	f.Severity = rules.Severity(d.int())
	f.Category = rules.Category(d.str())
	f.File = d.str()
	f.Span.Start = d.pos()
	f.Span.End = d.pos()
	f.Message = d.str()
	f.Hint = d.str()
	f.Release = d.str()
	if n := d.count(); n >= 0 {
		f.Evidence = make([]rules.Evidence, n)
		for i := range f.Evidence {
			ev := &f.Evidence[i]
			ev.Release, ev.File = d.str(), d.str()
			ev.Line, ev.Column = d.int(), d.int()
			ev.Snippet, ev.Kind = d.str(), d.str()
		}
	}
	f.MoreEvidence = d.int()
	if n := d.count(); n >= 0 {
		f.Fixes = make([]rules.Fix, n)
		for i := range f.Fixes {
			fx := &f.Fixes[i]
			fx.Title = d.str()
			if m := d.count(); m >= 0 {
				fx.Edits = make([]rules.Edit, m)
				for j := range fx.Edits {
					ed := &fx.Edits[j]
					ed.Start, ed.End = d.int(), d.int()
					ed.Text = d.str()
				}
			}
		}
	}
}
