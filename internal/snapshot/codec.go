package snapshot

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/schemagate/schemagate/internal/version"
)

// Marshal encodes the snapshot as JSON, gzip-compressed when gz is set.
// The gzip header carries no name and no time, so the bytes depend on
// the snapshot alone.
func (s *Snapshot) Marshal(gz bool) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(s); err != nil {
		return nil, fmt.Errorf("encoding the snapshot: %w", err)
	}
	if buf.Len() > MaxSize {
		return nil, fmt.Errorf("the snapshot is %s, more than the %s limit", sizeText(int64(buf.Len())), sizeText(MaxSize))
	}
	if !gz {
		return buf.Bytes(), nil
	}
	var out bytes.Buffer
	zw, err := gzip.NewWriterLevel(&out, gzip.BestCompression)
	if err != nil {
		return nil, err
	}
	if _, err := zw.Write(buf.Bytes()); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	if out.Len() > MaxCompressedSize {
		return nil, fmt.Errorf("the compressed snapshot is %s, more than the %s limit", sizeText(int64(out.Len())), sizeText(MaxCompressedSize))
	}
	return out.Bytes(), nil
}

// ErrNotFound is matched (errors.Is) by the errors that say a snapshot
// does not exist: a missing file or S3 key. Anything else that goes wrong
// is not "missing" and must not be mistaken for it.
var ErrNotFound = errors.New("snapshot not found")

// NotFoundError says where a snapshot was looked for.
type NotFoundError struct {
	Where  string // a file path or s3:// URL
	Reason string // "no such file", "NoSuchKey", ...
}

func (e *NotFoundError) Error() string { return e.Where + ": " + e.Reason }

// Is makes errors.Is(err, ErrNotFound) true.
func (e *NotFoundError) Is(target error) bool { return target == ErrNotFound }

// FormatError is a snapshot of a format this schemagate cannot read.
type FormatError struct {
	Name              string
	Format, MinFormat int
	WrittenBy         string // schemagate version that wrote it
}

func (e *FormatError) Error() string {
	by := ""
	if e.WrittenBy != "" {
		by = " by schemagate " + e.WrittenBy
	}
	if e.Format < MinReadFormat {
		return fmt.Sprintf("%s: snapshot format %d (written%s) is older than schemagate %s reads (formats %d to %d): take the snapshot again with this version", e.Name, e.Format, by, version.Get().Version, MinReadFormat, Format)
	}
	return fmt.Sprintf("%s: snapshot format %d (written%s, readable from format %d) is newer than schemagate %s reads (formats %d to %d): use the same schemagate version to take and to check snapshots", e.Name, e.Format, by, e.MinFormat, version.Get().Version, MinReadFormat, Format)
}

// CorruptError is a snapshot that cannot be trusted: truncated,
// damaged, not JSON, or inconsistent.
type CorruptError struct {
	Name string
	Err  error
}

func (e *CorruptError) Error() string {
	return fmt.Sprintf("%s: not a usable snapshot: %v", e.Name, e.Err)
}

func (e *CorruptError) Unwrap() error { return e.Err }

// Decode reads a snapshot document, gzip-compressed or not (told by its
// first bytes). name is used in errors. Nothing past the limits is read,
// and a document that is truncated, damaged or inconsistent is an error:
// it is never partly used.
func Decode(r io.Reader, name string) (*Snapshot, error) {
	raw, err := io.ReadAll(io.LimitReader(r, MaxSize+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return decodeBytes(raw, name)
}

func decodeBytes(raw []byte, name string) (*Snapshot, error) {
	data := raw
	if len(raw) >= 2 && raw[0] == 0x1f && raw[1] == 0x8b {
		if len(raw) > MaxCompressedSize {
			return nil, &CorruptError{name, fmt.Errorf("more than the %s limit of a compressed snapshot", sizeText(MaxCompressedSize))}
		}
		zr, err := gzip.NewReader(bytes.NewReader(raw))
		if err != nil {
			return nil, &CorruptError{name, fmt.Errorf("gzip: %w", err)}
		}
		data, err = io.ReadAll(io.LimitReader(zr, MaxSize+1))
		if err != nil {
			return nil, &CorruptError{name, fmt.Errorf("gzip: %s", gzipErrText(err))}
		}
		if len(data) > MaxSize {
			return nil, &CorruptError{name, fmt.Errorf("more than the %s limit once decompressed", sizeText(MaxSize))}
		}
	} else if len(raw) > MaxSize {
		return nil, &CorruptError{name, fmt.Errorf("more than the %s limit", sizeText(MaxSize))}
	}

	// The format decides how the rest is read: look at it first.
	h, err := readHead(data)
	if err != nil {
		return nil, &CorruptError{name, fmt.Errorf("JSON: %s", jsonErrText(err))}
	}
	if h.Format == nil {
		return nil, &CorruptError{name, errors.New(`no "format": not a schemagate snapshot`)}
	}
	minFormat := *h.Format
	if h.MinFormat != nil {
		minFormat = *h.MinFormat
	}
	if *h.Format < MinReadFormat || minFormat > Format || minFormat > *h.Format {
		return nil, &FormatError{Name: name, Format: *h.Format, MinFormat: minFormat, WrittenBy: oneLine(h.SchemagateVersion)}
	}
	s := &Snapshot{}
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(s); err != nil {
		return nil, &CorruptError{name, fmt.Errorf("JSON: %s", jsonErrText(err))}
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, &CorruptError{name, errors.New("data after the JSON document")}
	}
	if err := s.validate(); err != nil {
		return nil, &CorruptError{name, err}
	}
	switch missing, err := missingSection(data); {
	case err != nil:
		return nil, &CorruptError{name, fmt.Errorf("JSON: %s", jsonErrText(err))}
	case missing != "":
		return nil, &CorruptError{name, fmt.Errorf("the required section %q is missing", missing)}
	}
	return s, nil
}

type head struct {
	Format            *int   `json:"format"`
	MinFormat         *int   `json:"min_format"`
	SchemagateVersion string `json:"schemagate_version"`
}

// readHead reads the format fields. Snapshots start with them, so only
// the first keys are scanned; a document that puts them later is read
// whole.
func readHead(data []byte) (head, error) {
	var h head
	dec := json.NewDecoder(bytes.NewReader(data))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		var v any
		if err := json.Unmarshal(data, &v); err != nil {
			return h, err
		}
		return h, errors.New("the document is not a JSON object")
	}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return h, err
		}
		var dst any
		switch t {
		case "format":
			dst = &h.Format
		case "min_format":
			dst = &h.MinFormat
		case "schemagate_version":
			dst = &h.SchemagateVersion
		}
		if dst == nil {
			break
		}
		if err := dec.Decode(dst); err != nil {
			return h, err
		}
	}
	if h.Format != nil {
		return h, nil
	}
	err := json.Unmarshal(data, &h)
	return h, err
}

// ReadFile reads a snapshot file. A file that does not exist is a
// *NotFoundError.
func ReadFile(name string) (*Snapshot, error) {
	f, err := os.Open(name)
	if errors.Is(err, os.ErrNotExist) {
		return nil, &NotFoundError{Where: name, Reason: "no such file"}
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && st.Size() > MaxSize {
		return nil, &CorruptError{name, fmt.Errorf("the file is %s, more than the %s limit", sizeText(st.Size()), sizeText(MaxSize))}
	}
	raw, err := io.ReadAll(io.LimitReader(f, MaxSize+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return decodeBytes(raw, name)
}

// WriteFile writes the snapshot to name, gzip-compressed when the name
// ends in .gz. It returns the bytes written.
func (s *Snapshot) WriteFile(name string) ([]byte, error) {
	data, err := s.Marshal(strings.HasSuffix(name, ".gz"))
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(name, data, 0o644); err != nil {
		return nil, err
	}
	return data, nil
}

func gzipErrText(err error) string {
	switch {
	case errors.Is(err, io.ErrUnexpectedEOF):
		return "the data ends early (truncated)"
	case errors.Is(err, gzip.ErrChecksum):
		return "checksum mismatch (damaged)"
	}
	return err.Error()
}

func jsonErrText(err error) string {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Sprintf("%v at byte %d", se, se.Offset)
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return "the document ends early (truncated)"
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return fmt.Sprintf("%s: a %s where a %s belongs (byte %d)", te.Field, te.Value, te.Type, te.Offset)
	}
	return oneLine(err.Error())
}

func oneLine(s string) string {
	if i := strings.IndexAny(s, "\r\n"); i >= 0 {
		s = s[:i]
	}
	if len(s) > 80 {
		s = s[:80]
	}
	return s
}

func sizeText(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}
