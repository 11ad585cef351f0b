// Package build assembles every reference extractor and builds (or loads
// from the cache) the reference index of a release's tree.
package build

import (
	"io/fs"
	"os"
	"strconv"

	"github.com/schemagate/schemagate/internal/refs"
	"github.com/schemagate/schemagate/internal/refs/lang"
	"github.com/schemagate/schemagate/internal/refs/orm"
	"github.com/schemagate/schemagate/internal/refs/scan"
	"github.com/schemagate/schemagate/internal/refs/sqlfile"
	"github.com/schemagate/schemagate/internal/refs/sqlref"
)

// Extractors returns every extractor: SQL query files, SQL in the string
// literals of Go, Ruby, Python, JavaScript, TypeScript and Java, and ORM
// models.
func Extractors() []refs.Extractor {
	out := []refs.Extractor{sqlfile.Extractor{}}
	for _, l := range []lang.Language{lang.Go, lang.Ruby, lang.Python, lang.JavaScript, lang.TypeScript, lang.Java} {
		out = append(out, lang.NewExtractor(l, sqlref.Resolve))
	}
	return append(out, orm.Extractors()...)
}

// Options configure an index build.
type Options struct {
	// Exclude are path globs to skip besides the defaults (vendor,
	// node_modules, tests, docs); the caller adds the migration
	// directories and schema dumps.
	Exclude      []string
	IncludeTests bool
	// Cache, when set, stores indexes of git trees; TreeID must be set
	// for it to be used.
	Cache   *scan.Cache
	TreeID  string
	Version string // schemagate's version, part of the cache key
	Verbose func(format string, args ...any)
	// Memo shares per-file results between the index builds of one run.
	Memo *scan.Memo
}

// Index returns the reference index of fsys, from the cache when the same
// tree was indexed by the same schemagate before.
func Index(fsys fs.FS, opt Options) (*refs.Index, scan.Stats, bool, error) {
	sopt := scan.Options{Exclude: opt.Exclude, IncludeTests: opt.IncludeTests, Extractors: Extractors(), Verbose: opt.Verbose, Memo: opt.Memo}
	key := ""
	if opt.Cache != nil && opt.TreeID != "" {
		key = scan.CacheKey(opt.TreeID, CacheVersion(opt.Version), sopt)
		if idx, ok := opt.Cache.Get(key); ok {
			return idx, scan.Stats{}, true, nil
		}
	}
	idx, stats, err := scan.Build(fsys, sopt)
	if err != nil {
		return nil, stats, false, err
	}
	if key != "" {
		if err := opt.Cache.Put(key, idx); err != nil && opt.Verbose != nil {
			opt.Verbose("reference cache: %v", err)
		}
	}
	return idx, stats, false, nil
}

// CacheVersion keys cached indexes by the schemagate build: a release
// version, or for development builds the executable's size and time, so
// that a rebuilt binary never reads an index an older one wrote.
func CacheVersion(version string) string {
	if version != "" && version != "dev" {
		return version
	}
	exe, err := os.Executable()
	if err != nil {
		return "dev"
	}
	st, err := os.Stat(exe)
	if err != nil {
		return "dev"
	}
	return "dev+" + strconv.FormatInt(st.Size(), 10) + "." + strconv.FormatInt(st.ModTime().UnixNano(), 10)
}
