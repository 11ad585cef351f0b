package gitrev

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os/exec"
	"strconv"
	"strings"
	"sync"
)

// catFile is one long-lived `git cat-file --batch` process that serves
// blob contents: one request ("<oid>\n") and one answer at a time, so a
// mutex guards the pipe. It starts on first use and restarts after a
// broken pipe, until close.
type catFile struct {
	repo *Repo
	// check makes it a `git cat-file --batch-check` process, which
	// answers an object's type and size only (info).
	check bool

	mu     sync.Mutex
	closed bool
	cmd    *exec.Cmd
	in     io.WriteCloser
	w      *bufio.Writer
	r      *bufio.Reader
	stderr *limitedBuffer
	// lastSize is the size in the last header read.
	lastSize int64
}

// info returns the size of blob oid (a --batch-check process).
func (c *catFile) info(oid string) (int64, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if err := c.ready(); err != nil {
		return 0, err
	}
	size, err := c.header(oid)
	if err != nil {
		var me *missingObjectError
		if !errors.As(err, &me) {
			// A partial clone's git dies when it cannot fetch the blob:
			// the next question starts a fresh process.
			_ = c.cmd.Process.Kill()
			_ = c.stop()
		}
	}
	return size, err
}

// read returns the content of blob oid.
func (c *catFile) read(oid string) ([]byte, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if err := c.ready(); err != nil {
		return nil, err
	}
	data, err := c.request(oid)
	if !keepsPipe(err) {
		_ = c.cmd.Process.Kill()
		err = c.dropped(err)
	}
	return data, err
}

// ready starts the process if none runs; c.mu is held.
func (c *catFile) ready() error {
	if c.closed {
		return fs.ErrClosed
	}
	if c.cmd == nil {
		return c.start()
	}
	return nil
}

// keepsPipe reports whether a read's error leaves the pipe in sync: none,
// or an answer git gave in full (a missing object, a non-blob).
func keepsPipe(err error) bool {
	var pe *protocolError
	var me *missingObjectError
	return err == nil || errors.As(err, &pe) || errors.As(err, &me)
}

// dropped ends the killed process after an answer left its pipe in an
// unknown state, so that the next read starts a fresh one, and returns
// err with git's own complaint. Kill fails only when the process has
// already exited, and stop's error is then just the kill's "signal:
// killed": err says what went wrong.
func (c *catFile) dropped(err error) error {
	_ = c.stop()
	if msg := firstLine(c.stderr.Bytes()); msg != "" {
		err = fmt.Errorf("%w (git cat-file: %s)", err, msg)
	}
	return err
}

// protocolError is an answer that leaves the pipe in sync (a missing
// object, a non-blob): the process stays usable.
type protocolError struct{ msg string }

func (e *protocolError) Error() string { return e.msg }

// header asks for oid and reads the answer's header: "<oid> <type>
// <size>", or "<name> missing" / "<name> ambiguous".
func (c *catFile) header(oid string) (int64, error) {
	_, err := c.typedHeader(oid)
	if err != nil {
		return 0, err
	}
	return c.lastSize, nil
}

func (c *catFile) typedHeader(oid string) (string, error) {
	if _, err := c.w.WriteString(oid + "\n"); err != nil {
		return "", fmt.Errorf("gitrev: writing to git cat-file: %w", err)
	}
	if err := c.w.Flush(); err != nil {
		return "", fmt.Errorf("gitrev: writing to git cat-file: %w", err)
	}
	return c.readHeader(oid)
}

// readHeader reads the header of the answer about oid.
func (c *catFile) readHeader(oid string) (string, error) {
	header, err := c.r.ReadString('\n')
	if err != nil {
		return "", fmt.Errorf("gitrev: reading from git cat-file: %w", err)
	}
	header = strings.TrimSuffix(header, "\n")
	fields := strings.Split(header, " ")
	if len(fields) == 2 && (fields[1] == "missing" || fields[1] == "ambiguous") {
		return "", &missingObjectError{oid: oid, what: fields[1]}
	}
	if len(fields) != 3 {
		return "", fmt.Errorf("gitrev: unexpected git cat-file header %q", header)
	}
	size, err := strconv.ParseInt(fields[2], 10, 64)
	if err != nil || size < 0 {
		return "", fmt.Errorf("gitrev: unexpected git cat-file header %q", header)
	}
	c.lastSize = size
	return fields[1], nil
}

func (c *catFile) request(oid string) ([]byte, error) {
	typ, err := c.typedHeader(oid)
	if err != nil {
		return nil, err
	}
	return c.readBody(oid, typ)
}

// readMany returns the contents of the blobs oids. All are asked for
// before the first answer is read, so that a run reading a thousand
// files waits for git once, not a thousand times; an answer that leaves
// the pipe in an unknown state fails it and the ones after.
func (c *catFile) readMany(oids []string) ([][]byte, []error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	out, errs := make([][]byte, len(oids)), make([]error, len(oids))
	fail := func(from int, err error) {
		for i := from; i < len(oids); i++ {
			errs[i] = err
		}
	}
	if err := c.ready(); err != nil {
		fail(0, err)
		return out, errs
	}
	// A question that cannot be written shows as an answer that cannot
	// be read.
	w := c.w
	written := make(chan struct{})
	go func() {
		defer close(written)
		for _, oid := range oids {
			if _, err := w.WriteString(oid + "\n"); err != nil {
				return
			}
		}
		_ = w.Flush()
	}()
	for i, oid := range oids {
		typ, err := c.readHeader(oid)
		if err == nil {
			out[i], err = c.readBody(oid, typ)
		}
		if !keepsPipe(err) {
			// As in read; the writer stops at its next write.
			_ = c.cmd.Process.Kill()
			<-written
			fail(i, c.dropped(err))
			return out, errs
		}
		errs[i] = err
	}
	<-written
	return out, errs
}

// readBody reads the content of an answer whose header said typ.
func (c *catFile) readBody(oid, typ string) ([]byte, error) {
	size := c.lastSize
	fields := []string{oid, typ}
	data := make([]byte, size)
	if _, err := io.ReadFull(c.r, data); err != nil {
		return nil, fmt.Errorf("gitrev: reading object %s from git cat-file: %w", oid, err)
	}
	if b, err := c.r.ReadByte(); err != nil || b != '\n' {
		return nil, fmt.Errorf("gitrev: git cat-file: object %s not followed by a newline", oid)
	}
	if fields[1] != "blob" {
		return nil, &protocolError{fmt.Sprintf("gitrev: object %s is a %s, not a blob", oid, fields[1])}
	}
	return data, nil
}

// missingObjectError is a blob listed in the tree but absent from the
// object store (a partial clone without a promisor, a corrupt repository).
type missingObjectError struct{ oid, what string }

func (e *missingObjectError) Error() string {
	return fmt.Sprintf("gitrev: object %s is %s from the repository", e.oid, e.what)
}

func (e *missingObjectError) Is(target error) bool { return target == fs.ErrNotExist }

func (c *catFile) start() error {
	mode := "--batch"
	if c.check {
		mode = "--batch-check"
	}
	cmd := c.repo.command("cat-file", mode)
	in, err := cmd.StdinPipe()
	if err != nil {
		return fmt.Errorf("gitrev: starting git cat-file: %w", err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		in.Close()
		return fmt.Errorf("gitrev: starting git cat-file: %w", err)
	}
	c.stderr = &limitedBuffer{max: 4096}
	cmd.Stderr = c.stderr
	if err := cmd.Start(); err != nil {
		in.Close()
		return newGitError("cat-file", nil, err)
	}
	c.cmd, c.in = cmd, in
	c.w = bufio.NewWriter(in)
	c.r = bufio.NewReaderSize(out, 64<<10)
	return nil
}

// stop ends the process: closing stdin makes cat-file exit; Wait reaps it.
func (c *catFile) stop() error {
	if c.cmd == nil {
		return nil
	}
	c.in.Close()
	err := c.cmd.Wait()
	c.cmd, c.in, c.w, c.r = nil, nil, nil, nil
	if err != nil {
		return newGitError("cat-file", c.stderr.Bytes(), err)
	}
	return nil
}

func (c *catFile) close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return nil
	}
	c.closed = true
	return c.stop()
}

// limitedBuffer keeps the first max bytes written to it: enough for git's
// error message, never unbounded.
type limitedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
	max int
}

func (b *limitedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if room := b.max - b.buf.Len(); room > 0 {
		b.buf.Write(p[:min(len(p), room)])
	}
	return len(p), nil
}

func (b *limitedBuffer) Bytes() []byte {
	b.mu.Lock()
	defer b.mu.Unlock()
	return bytes.Clone(b.buf.Bytes())
}
