package ops

// List collects operations appended a few at a time (a translator adds
// each call's) and gives them as one slice at the end. An Op is about
// 400 bytes: one slice grown by doubling allocates two to four times the
// final list over thousands of calls, and the large blocks are cleared
// page by page; List allocates chunks of at most listChunk operations
// and the final slice once.
type List struct {
	chunks [][]Op
	n      int
}

const listChunk = 256

// Add appends ops.
func (l *List) Add(ops ...Op) {
	for len(ops) > 0 {
		last := len(l.chunks) - 1
		if last < 0 || len(l.chunks[last]) == cap(l.chunks[last]) {
			size := max(len(ops), 4)
			if last >= 0 {
				size = max(size, min(2*cap(l.chunks[last]), listChunk))
			}
			l.chunks = append(l.chunks, make([]Op, 0, size))
			last++
		}
		c := l.chunks[last]
		k := min(len(ops), cap(c)-len(c))
		l.chunks[last] = append(c, ops[:k]...)
		l.n += k
		ops = ops[k:]
	}
}

// Len is the number of operations added.
func (l *List) Len() int { return l.n }

// All returns the operations in order: the list's own chunk when there
// is one, else a new slice.
func (l *List) All() []Op {
	switch len(l.chunks) {
	case 0:
		return nil
	case 1:
		return l.chunks[0]
	}
	out := make([]Op, 0, l.n)
	for _, c := range l.chunks {
		out = append(out, c...)
	}
	l.chunks = [][]Op{out}
	return out
}
