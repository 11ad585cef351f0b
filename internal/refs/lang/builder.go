package lang

import "strconv"

// holeByte marks a placeholder in a builder's text until finish numbers
// it. Decoded escapes never produce it (see esc), and SQL has no use for
// NUL.
const holeByte = 0

// builder assembles a literal's text with the map back to the file.
type builder struct {
	text   []byte
	pieces []Piece
}

// raw appends source bytes copied unchanged, starting at file offset
// file, extending the last run when it continues it.
func (b *builder) raw(file int, s []byte) {
	if len(s) == 0 {
		return
	}
	if k := len(b.pieces) - 1; k >= 0 {
		p := &b.pieces[k]
		if !p.single() && p.Text+p.Len == len(b.text) && p.File+p.Len == file {
			p.Len += len(s)
			b.text = append(b.text, s...)
			return
		}
	}
	b.pieces = append(b.pieces, Piece{Text: len(b.text), File: file, Len: len(s)})
	b.text = append(b.text, s...)
}

// esc appends the decoded value of an escape that starts at file offset
// file. NUL bytes are dropped: they would read as placeholders and
// PostgreSQL rejects them in text anyway.
func (b *builder) esc(file int, s string) {
	start := len(b.text)
	for i := 0; i < len(s); i++ {
		if s[i] != holeByte {
			b.text = append(b.text, s[i])
		}
	}
	if len(b.text) > start {
		b.pieces = append(b.pieces, Piece{Text: start, File: file, Len: -1})
	}
}

// hole appends a placeholder for an interpolation at file offset file.
func (b *builder) hole(file int) {
	b.pieces = append(b.pieces, Piece{Text: len(b.text), File: file, Len: -1})
	b.text = append(b.text, holeByte)
}

// single reports a piece that stands for a decoded escape or a hole:
// stored with Len -1 while building so runs never merge into it.
func (p Piece) single() bool { return p.Len < 0 }

// appendBuilder appends o's text and map.
func (b *builder) appendBuilder(o *builder) {
	base := len(b.text)
	for _, p := range o.pieces {
		p.Text += base
		if !p.single() && len(b.pieces) > 0 {
			last := &b.pieces[len(b.pieces)-1]
			if !last.single() && last.Text+last.Len == p.Text && last.File+last.Len == p.File {
				last.Len += p.Len
				continue
			}
		}
		b.pieces = append(b.pieces, p)
	}
	b.text = append(b.text, o.text...)
}

// finish numbers the placeholders $1, $2, ... and returns the literal.
// When the text already uses $n parameters of its own, numbering goes on
// after the highest, so no two values share a number.
func (b *builder) finish() Literal {
	var text []byte
	var pieces []Piece
	n := maxParam(b.text)
	first := n
	shift := 0
	pi := 0
	for i, c := range b.text {
		// Pieces starting at i move with the text before them.
		for pi < len(b.pieces) && b.pieces[pi].Text == i {
			p := b.pieces[pi]
			p.Text += shift
			if p.single() {
				p.Len = 1
			}
			pieces = append(pieces, p)
			pi++
		}
		if c != holeByte {
			text = append(text, c)
			continue
		}
		n++
		ph := "$" + strconv.Itoa(n)
		text = append(text, ph...)
		shift += len(ph) - 1
	}
	lit := Literal{Text: string(text), Map: pieces, Holes: n - first}
	if len(pieces) > 0 {
		lit.Offset = pieces[0].File
	}
	return lit
}

// transform rewrites a built text: at each index, fn may consume n bytes
// and emit a replacement (a placeholder when ph is true); n == 0 copies
// the byte. Used for format templates (printf verbs, Python %s and
// str.format fields) once the whole template is known.
func (b *builder) transform(fn func(text []byte, i int) (n int, repl string, ph bool)) *builder {
	return b.splice(func(text []byte, i int) (int, string, bool, *builder) {
		n, repl, ph := fn(text, i)
		return n, repl, ph, nil
	})
}

// splice is transform whose fn may also put another builder's text (with
// its map) in place of the n bytes it consumes: a printf argument whose
// value is known.
func (b *builder) splice(fn func(text []byte, i int) (n int, repl string, ph bool, insert *builder)) *builder {
	out := &builder{text: make([]byte, 0, len(b.text)), pieces: make([]Piece, 0, len(b.pieces))}
	c := cursor{b: b, k: -1}
	for i := 0; i < len(b.text); {
		file, single, escStart := c.at(i)
		if b.text[i] == holeByte {
			out.hole(file)
			i++
			continue
		}
		n, repl, ph, insert := fn(b.text, i)
		switch {
		case n == 0 && single && !escStart:
			// The rest of a multi-byte escape: extend the escape just written.
			out.text = append(out.text, b.text[i])
		case n == 0 && single:
			out.esc(file, string(b.text[i:i+1]))
		case n == 0:
			out.raw(file, b.text[i:i+1])
		case insert != nil:
			out.appendBuilder(insert)
		case ph:
			out.hole(file)
		default:
			out.esc(file, repl)
		}
		i += max(n, 1)
	}
	return out
}

// cursor maps increasing text indexes of a builder to file offsets.
type cursor struct {
	b *builder
	k int
}

// at returns the file offset of text index i, whether i belongs to an
// escape or hole, and whether it is the first byte of one.
func (c *cursor) at(i int) (file int, single, first bool) {
	ps := c.b.pieces
	for c.k+1 < len(ps) && ps[c.k+1].Text <= i {
		c.k++
	}
	if c.k < 0 {
		return 0, false, false
	}
	p := ps[c.k]
	switch {
	case p.single():
		return p.File, true, p.Text == i
	case i < p.Text+p.Len:
		return p.File + i - p.Text, false, false
	default:
		return p.File + p.Len - 1, true, false
	}
}

// maxParam is the highest $n parameter number written in text.
func maxParam(text []byte) int {
	best := 0
	for i := 0; i+1 < len(text); i++ {
		if text[i] != '$' || text[i+1] < '0' || text[i+1] > '9' || i > 0 && isWordByte(text[i-1]) {
			continue
		}
		v := 0
		j := i + 1
		for ; j < len(text) && text[j] >= '0' && text[j] <= '9' && v < 1<<20; j++ {
			v = v*10 + int(text[j]-'0')
		}
		best = max(best, v)
		i = j - 1
	}
	return best
}
