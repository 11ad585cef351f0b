package report

import (
	"bytes"
	"io"
)

// spillAt is how much rendered text a writer keeps before handing it
// on: a run with tens of thousands of findings never holds its whole
// report in memory.
const spillAt = 64 << 10

// out is where a format renders. Formats whose rendering cannot fail
// halfway call spill between findings; SARIF, built as one document,
// does not, so a failure there still leaves no half document.
type out struct {
	bytes.Buffer
	w   io.Writer
	err error // the first error writing to w
}

// spill hands what has been rendered so far to the writer once there is
// enough of it.
func (o *out) spill() {
	if o.Len() >= spillAt {
		o.flush()
	}
}

func (o *out) flush() {
	if o.err == nil && o.Len() > 0 {
		_, o.err = o.w.Write(o.Bytes())
	}
	o.Reset()
}
