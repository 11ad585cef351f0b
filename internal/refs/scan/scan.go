// Package scan walks one release's source tree, runs the reference
// extractors over the files that can hold references, and builds the
// release's reference index. It also caches built indexes on disk.
package scan

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"runtime"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/schemagate/schemagate/internal/refs"
	"github.com/schemagate/schemagate/internal/source"
)

// DefaultMaxFileSize is the size above which files are skipped: generated
// bundles and data dumps, not code.
const DefaultMaxFileSize = 2 << 20

// Options controls a scan.
type Options struct {
	// Exclude lists path patterns (see Match) skipped on top of the
	// defaults; callers add the project's migration directories.
	Exclude []string
	// IncludeTests keeps test files and fixtures, which are excluded by
	// default.
	IncludeTests bool
	// NoDefaultExcludes drops the default patterns, leaving Exclude only.
	NoDefaultExcludes bool
	// MaxFileSize skips larger files; 0 means DefaultMaxFileSize.
	MaxFileSize int64
	// Extractors are run, in order, on each file they match.
	Extractors []refs.Extractor
	// Verbose, when set, receives one line per file that could not be
	// read or extracted; calls are serialised.
	Verbose func(format string, args ...any)
	// Memo, when set, reuses the references of files already extracted
	// in this process (same path and content).
	Memo *Memo
}

// Stats counts what a scan did.
type Stats struct {
	Files   int // files seen (outside excluded directories)
	Read    int // files read and handed to extractors
	Skipped int // files not read; SkippedReasons says why
	// SkippedReasons counts skipped files by reason (see the Reason
	// constants); ReasonExcludedDir and ReasonSubmodule count directories.
	SkippedReasons map[string]int
	Errors         int // extractor runs that failed on a file (the references they found are kept)
	Refs           int // references in the index
	// Unread are the files an extractor wanted that could not be read or
	// were too large: what the index may lack, for the run to list.
	Unread []Unread
}

// Unread is a file a scan could not read, and why.
type Unread struct {
	Path   string
	Reason string
}

// Reasons a file or directory is skipped.
const (
	ReasonExcluded    = "excluded"     // matched an exclusion pattern
	ReasonExcludedDir = "excluded-dir" // a directory matched one; its files are not counted
	ReasonSubmodule   = "submodule"    // a directory holding its own .git
	ReasonSymlink     = "symlink"
	ReasonIrregular   = "irregular"    // a gitlink, device, socket or pipe
	ReasonNoExtractor = "no-extractor" // no extractor reads this kind of file
	ReasonTooLarge    = "too-large"
	ReasonBinary      = "binary"       // contains a NUL byte
	ReasonInvalidUTF8 = "invalid-utf8" // not UTF-8 text
	ReasonReadError   = "read-error"
)

// Default exclusion patterns: where references are not (migrations,
// schema dumps, docs, locale files, vendored and generated code) ...
var defaultExcludes = []string{
	"**/.git/", "**/.hg/", "**/.svn/", "**/vendor/", "**/node_modules/", "**/bower_components/",
	"**/db/migrate/", "**/db/post_migrate/", "**/migrations/", "**/*_migrations/", "**/alembic/versions/",
	"**/db/schema.rb", "**/db/*_schema.rb", "**/structure.sql", "**/db/*_structure.sql",
	"*.md", "*.markdown", "*.rst", "*.po", "*.pot", "**/locales/", "**/locale/", "**/config/locales/", "**/i18n/",
	"**/dist/", "*.min.js", "*.bundle.js", "**/public/packs/", "**/public/assets/",
}

// ... and tests and their fixtures, unless IncludeTests.
var testExcludes = []string{
	"*_test.go", "**/testdata/", "**/spec/", "**/test/", "**/tests/", "**/__tests__/",
	"*.test.ts", "*.test.tsx", "*.test.js", "*.test.jsx", "*.spec.ts", "*.spec.tsx", "*.spec.js", "*.spec.jsx",
	"*_spec.rb", "*_test.rb", "test_*.py", "*_test.py", "conftest.py", "**/fixtures/",
}

// DefaultExcludes returns the patterns a scan skips before Options.Exclude.
func DefaultExcludes(includeTests bool) []string {
	out := append([]string(nil), defaultExcludes...)
	if !includeTests {
		out = append(out, testExcludes...)
	}
	return out
}

func (o Options) excludes() []string {
	var out []string
	if !o.NoDefaultExcludes {
		out = DefaultExcludes(o.IncludeTests)
	}
	return append(out, o.Exclude...)
}

// maxSize is the largest file read.
func (o Options) maxSize() int64 {
	if o.MaxFileSize <= 0 {
		return DefaultMaxFileSize
	}
	return o.MaxFileSize
}

// logger returns a log function that calls Verbose from one goroutine at
// a time.
func (o Options) logger() func(format string, args ...any) {
	if o.Verbose == nil {
		return func(string, ...any) {}
	}
	var mu sync.Mutex
	return func(format string, args ...any) {
		mu.Lock()
		defer mu.Unlock()
		o.Verbose(format, args...)
	}
}

// file is one file to extract, in walk order.
type file struct {
	seq        int
	path       string
	extractors []refs.Extractor
	src        []byte
}

type result struct {
	refs []refs.Reference
	errs int
}

// Build walks fsys and returns the index of the references its extractors
// find. Symbolic links are not followed; submodules, binary files, files
// that are not UTF-8 and files over the size limit are skipped and
// counted. fsys is read from one goroutine, so an fs.FS that is not safe
// for concurrent use (a git cat-file pipe) works; extraction runs on
// GOMAXPROCS workers, and the index is the same whatever their timing.
func Build(fsys fs.FS, opt Options) (*refs.Index, Stats, error) {
	st := Stats{SkippedReasons: map[string]int{}}
	logf := opt.logger()
	maxSize := opt.maxSize()
	excludes := opt.excludes()
	excluded := func(p string, isDir bool) bool {
		for _, pat := range excludes {
			if Match(pat, p, isDir) {
				return true
			}
		}
		return false
	}
	skip := func(reason string) {
		st.Skipped++
		st.SkippedReasons[reason]++
	}

	var todo []file
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == "." {
				return err
			}
			logf("%s: %v", p, err)
			if d != nil && d.IsDir() {
				st.SkippedReasons[ReasonReadError]++
				st.Unread = append(st.Unread, Unread{p, readReason(err)})
				return fs.SkipDir
			}
			st.Files++
			skip(ReasonReadError)
			st.Unread = append(st.Unread, Unread{p, readReason(err)})
			return nil
		}
		if p == "." {
			return nil
		}
		if d.IsDir() {
			if excluded(p, true) {
				st.SkippedReasons[ReasonExcludedDir]++
				return fs.SkipDir
			}
			if _, err := fs.Stat(fsys, path.Join(p, ".git")); err == nil {
				st.SkippedReasons[ReasonSubmodule]++
				return fs.SkipDir
			}
			return nil
		}
		st.Files++
		switch {
		case excluded(p, false):
			skip(ReasonExcluded)
			return nil
		case d.Type()&fs.ModeSymlink != 0:
			skip(ReasonSymlink)
			return nil
		case !d.Type().IsRegular():
			skip(ReasonIrregular)
			return nil
		}
		var ex []refs.Extractor
		for _, e := range opt.Extractors {
			if e.Match(p) {
				ex = append(ex, e)
			}
		}
		if len(ex) == 0 {
			skip(ReasonNoExtractor)
			return nil
		}
		info, err := d.Info()
		if err != nil {
			logf("%s: %v", p, err)
			skip(ReasonReadError)
			st.Unread = append(st.Unread, Unread{p, readReason(err)})
			return nil
		}
		if info.Size() > maxSize {
			logf("%s: skipped: %d bytes is over the %d byte limit", p, info.Size(), maxSize)
			skip(ReasonTooLarge)
			st.Unread = append(st.Unread, Unread{p, fmt.Sprintf("larger than %d bytes", maxSize)})
			return nil
		}
		todo = append(todo, file{seq: len(todo), path: p, extractors: ex})
		return nil
	})
	if err != nil {
		return nil, st, fmt.Errorf("scan: %w", err)
	}

	results := make([]result, len(todo))
	jobs := make(chan file, runtime.GOMAXPROCS(0))
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for f := range jobs {
				results[f.seq] = opt.Memo.do(memoKey(f.path, f.src), func() result { return extract(f, logf) })
			}
		}()
	}
	// Extractors that need every file at once get them after the walk.
	multi := map[refs.FilesExtractor][]*source.File{}
	// Read in this goroutine, in walk order; workers extract.
	for _, f := range todo {
		src, err := fs.ReadFile(fsys, f.path)
		switch {
		case err != nil:
			logf("%s: %v", f.path, err)
			skip(ReasonReadError)
			st.Unread = append(st.Unread, Unread{f.path, readReason(err)})
			continue
		case int64(len(src)) > maxSize:
			skip(ReasonTooLarge)
			st.Unread = append(st.Unread, Unread{f.path, fmt.Sprintf("larger than %d bytes", maxSize)})
			continue
		case bytes.IndexByte(src, 0) >= 0:
			skip(ReasonBinary)
			continue
		case !utf8.Valid(src):
			skip(ReasonInvalidUTF8)
			continue
		}
		st.Read++
		f.src = src
		for _, e := range f.extractors {
			if fe, ok := e.(refs.FilesExtractor); ok {
				multi[fe] = append(multi[fe], source.NewFile(f.path, src))
			}
		}
		jobs <- f
	}
	close(jobs)
	wg.Wait()

	var all []refs.Reference
	for _, r := range results {
		all = append(all, r.refs...)
		st.Errors += r.errs
	}
	for _, e := range opt.Extractors {
		fe, ok := e.(refs.FilesExtractor)
		if !ok || len(multi[fe]) == 0 {
			continue
		}
		rs, err := safeExtractFiles(fe, multi[fe])
		if err != nil {
			st.Errors++
			logf("%s: %v", fe.Name(), err)
		}
		all = append(all, rs...)
	}
	idx := refs.NewIndex(all)
	st.Refs = len(idx.Refs)
	return idx, st, nil
}

// readReason is a read error without the path the caller already names.
func readReason(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	return "cannot read: " + strings.TrimPrefix(err.Error(), "gitrev: ")
}

// extract runs a file's extractors. An extractor that fails still gives
// the references it found; one that panics is counted as failed, so that
// one odd file cannot stop the scan.
func extract(f file, logf func(string, ...any)) (res result) {
	for _, e := range f.extractors {
		if _, ok := e.(refs.FilesExtractor); ok {
			continue // run once over all its files, after the walk
		}
		rs, err := safeExtract(e, f.path, f.src)
		if err != nil {
			res.errs++
			logf("%s: %s: %v", f.path, e.Name(), err)
		}
		for i := range rs {
			if rs[i].File == "" {
				rs[i].File = f.path
			}
		}
		res.refs = append(res.refs, rs...)
	}
	return res
}

func safeExtract(e refs.Extractor, p string, src []byte) (rs []refs.Reference, err error) {
	defer func() {
		if v := recover(); v != nil {
			rs, err = nil, errors.New(fmt.Sprint("extractor panicked: ", v))
		}
	}()
	return e.Extract(p, src)
}

func safeExtractFiles(e refs.FilesExtractor, files []*source.File) (rs []refs.Reference, err error) {
	defer func() {
		if v := recover(); v != nil {
			rs, err = nil, errors.New(fmt.Sprint("extractor panicked: ", v))
		}
	}()
	return e.ExtractFiles(files)
}
