package lsp

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/sourcegraph/jsonrpc2"
)

// maxMessage bounds one message's body. A bigger one is skipped and
// answered with an error instead of being read into memory.
const maxMessage = 256 << 20

// stream is the JSON-RPC object stream of a session. Messages are
// framed by the library's Content-Length codec. They are read here
// because the library's reader ends the connection on the first message
// that is not valid JSON-RPC, and a language server must answer such a
// message with an error and go on: the frame is read whole by its
// Content-Length first, so a broken body never desynchronises the
// stream.
//
// Writes are queued and sent by one goroutine in order, so that no
// handler ever blocks on a client that is busy writing to us instead of
// reading (with synchronous handlers on both ends and full pipes, that
// would hang both).
type stream struct {
	r      *bufio.Reader
	in     io.Reader
	out    io.Writer
	closer io.Closer
	// bad reports a message that was skipped, for the log.
	bad func(msg string)
	max int64

	mu      sync.Mutex
	cond    *sync.Cond
	pending [][]byte
	closed  bool
	werr    error
	done    chan struct{}
}

// stdio joins the two pipes of a session into one Closer.
type stdio struct {
	io.Reader
	io.Writer
}

func (s stdio) Close() error {
	var errs []error
	if c, ok := s.Reader.(io.Closer); ok {
		errs = append(errs, c.Close())
	}
	if c, ok := s.Writer.(io.Closer); ok {
		errs = append(errs, c.Close())
	}
	return errors.Join(errs...)
}

func newStream(in io.Reader, out io.Writer, bad func(string)) *stream {
	s := &stream{
		r:      bufio.NewReaderSize(in, 64<<10),
		in:     in,
		out:    out,
		closer: stdio{in, out},
		bad:    bad,
		max:    maxMessage,
		done:   make(chan struct{}),
	}
	s.cond = sync.NewCond(&s.mu)
	go s.writeLoop()
	return s
}

// WriteObject implements jsonrpc2.ObjectStream: it frames obj and queues
// it.
func (s *stream) WriteObject(obj any) error {
	var buf bytes.Buffer
	if err := (jsonrpc2.VSCodeObjectCodec{}).WriteObject(&buf, obj); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case s.werr != nil:
		return s.werr
	case s.closed:
		return jsonrpc2.ErrClosed
	}
	s.pending = append(s.pending, buf.Bytes())
	s.cond.Signal()
	return nil
}

// Notify queues a notification. It is the library's framing of the
// JSON-RPC object, without the generic request encoding, which encodes
// the params twice more: diagnostics of a large migration are big.
func (s *stream) Notify(method string, params any) error {
	p, ok := params.(json.RawMessage)
	if !ok {
		var err error
		if p, err = json.Marshal(params); err != nil {
			return err
		}
	}
	m, _ := json.Marshal(method)
	body := make([]byte, 0, len(p)+len(m)+40)
	body = append(body, `{"jsonrpc":"2.0","method":`...)
	body = append(body, m...)
	body = append(body, `,"params":`...)
	body = append(body, p...)
	body = append(body, '}')
	return s.WriteObject(json.RawMessage(body))
}

func (s *stream) writeLoop() {
	defer close(s.done)
	for {
		s.mu.Lock()
		for len(s.pending) == 0 && !s.closed {
			s.cond.Wait()
		}
		batch := s.pending
		s.pending = nil
		s.mu.Unlock()
		if len(batch) == 0 {
			return // closed and drained
		}
		for _, b := range batch {
			if _, err := s.out.Write(b); err != nil {
				s.mu.Lock()
				s.werr = err
				s.mu.Unlock()
				return
			}
		}
	}
}

// Close implements jsonrpc2.ObjectStream: it sends what is queued (for a
// short while, in case the client stopped reading) and closes both
// pipes.
func (s *stream) Close() error {
	s.mu.Lock()
	s.closed = true
	s.cond.Signal()
	s.mu.Unlock()
	select {
	case <-s.done:
	case <-time.After(2 * time.Second):
	}
	return s.closer.Close()
}

// ReadObject implements jsonrpc2.ObjectStream. It returns an error only
// when the input ends or fails; a malformed message is answered with a
// JSON-RPC error response, reported, and skipped.
func (s *stream) ReadObject(v any) error {
	for {
		n, err := s.readHeader()
		if err != nil {
			if errors.Is(err, errNoLength) {
				s.reject(nil, CodeParseError, "message header has no valid Content-Length")
				continue
			}
			return err
		}
		if n > s.max {
			if _, err := io.CopyN(io.Discard, s.r, n); err != nil {
				return err
			}
			s.reject(nil, CodeInvalidRequest, fmt.Sprintf("message of %d bytes is larger than the %d byte limit", n, s.max))
			continue
		}
		body := make([]byte, n)
		if _, err := io.ReadFull(s.r, body); err != nil {
			return err
		}
		if !json.Valid(body) {
			s.reject(nil, CodeParseError, "message is not valid JSON: "+excerpt(body))
			continue
		}
		// Decode into a fresh value so that a half-decoded message never
		// reaches the library.
		fresh := reflect.New(reflect.TypeOf(v).Elem())
		if err := json.Unmarshal(body, fresh.Interface()); err != nil {
			s.reject(requestID(body), CodeInvalidRequest, "not a JSON-RPC 2.0 request or response ("+err.Error()+"): "+excerpt(body))
			continue
		}
		reflect.ValueOf(v).Elem().Set(fresh.Elem())
		return nil
	}
}

var errNoLength = errors.New("no Content-Length")

// readHeader reads header lines up to the blank line and returns the
// Content-Length. A line holding "Content-Length:" after other bytes
// (the body of a message that had no header) resynchronises the stream.
func (s *stream) readHeader() (int64, error) {
	n := int64(-1)
	seen := false
	for {
		line, err := s.readLine()
		if err != nil {
			if errors.Is(err, io.EOF) && seen {
				return 0, io.ErrUnexpectedEOF
			}
			return 0, err
		}
		line = strings.TrimRight(line, "\r\n")
		if line == "" {
			if !seen {
				continue // blank lines between messages
			}
			if n < 0 {
				return 0, errNoLength
			}
			return n, nil
		}
		seen = true
		if i := strings.LastIndex(strings.ToLower(line), "content-length:"); i >= 0 {
			v, err := strconv.ParseInt(strings.TrimSpace(line[i+len("content-length:"):]), 10, 64)
			if err != nil || v < 0 {
				n = -1
				continue
			}
			n = v
		}
	}
}

// readLine reads one line, keeping only the end of an overlong one (a
// body sent without a header has no line break for megabytes).
func (s *stream) readLine() (string, error) {
	const keep = 4096
	var line []byte
	for {
		chunk, err := s.r.ReadSlice('\n')
		line = append(line, chunk...)
		if len(line) > keep {
			line = append(line[:0], line[len(line)-keep:]...)
		}
		switch {
		case err == nil:
			return string(line), nil
		case errors.Is(err, bufio.ErrBufferFull):
			continue
		case errors.Is(err, io.EOF) && len(line) > 0:
			return string(line), nil
		default:
			return "", err
		}
	}
}

// reject answers a message that cannot be handled. The response has the
// request's id when it can be read, null otherwise, as JSON-RPC says.
func (s *stream) reject(id json.RawMessage, code int, msg string) {
	if id == nil {
		id = json.RawMessage("null")
	}
	resp := struct {
		JSONRPC string          `json:"jsonrpc"`
		ID      json.RawMessage `json:"id"`
		Error   jsonrpc2.Error  `json:"error"`
	}{"2.0", id, jsonrpc2.Error{Code: int64(code), Message: msg}}
	_ = s.WriteObject(resp)
	if s.bad != nil {
		s.bad(msg)
	}
}

// requestID returns the id of a message when it is a number or a string.
func requestID(body []byte) json.RawMessage {
	var m struct {
		ID json.RawMessage `json:"id"`
	}
	if json.Unmarshal(body, &m) != nil || len(m.ID) == 0 {
		return nil
	}
	var num json.Number
	var str string
	if json.Unmarshal(m.ID, &num) == nil || json.Unmarshal(m.ID, &str) == nil {
		return m.ID
	}
	return nil
}

// excerpt shortens a message body for the log.
func excerpt(b []byte) string {
	b = bytes.TrimSpace(b)
	const n = 80
	s := string(b)
	if len(b) > n {
		s = strings.ToValidUTF8(string(b[:n]), "") + "..."
	}
	return strconv.Quote(s)
}
