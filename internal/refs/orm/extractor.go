package orm

import (
	"strings"

	"github.com/schemagate/schemagate/internal/refs"
	"github.com/schemagate/schemagate/internal/source"
)

// An extractor is an ORM's refs.Extractor written as a value, the way a
// go/analysis Analyzer is one: adding an ORM means writing its name, the
// files it reads and what it finds in one of them. ActiveRecord and GORM,
// which carry settings, keep types of their own.
type extractor struct {
	name    string
	match   func(path string) bool
	extract func(path string, src []byte) ([]refs.Reference, error)
}

func (x *extractor) Name() string        { return x.name }
func (x *extractor) Match(p string) bool { return x.match(p) }

func (x *extractor) Extract(p string, src []byte) ([]refs.Reference, error) {
	return x.extract(p, src)
}

// A program is an extractor whose references reach across files (a base
// class, a schema, a model used in another module): it reads every file
// it matches in a release together, as a refs.FilesExtractor. One file
// alone is a program of one file.
type program struct {
	name    string
	match   func(path string) bool
	extract func(files []*source.File) ([]refs.Reference, error)
}

func (x *program) Name() string        { return x.name }
func (x *program) Match(p string) bool { return x.match(p) }

func (x *program) Extract(p string, src []byte) ([]refs.Reference, error) {
	return x.extract([]*source.File{source.NewFile(p, src)})
}

func (x *program) ExtractFiles(files []*source.File) ([]refs.Reference, error) {
	return x.extract(files)
}

// Python and Prisma files are read outside tests, migrations and
// dependencies.
var (
	matchPython = matchExt(".py")
	matchPrisma = matchExt(".prisma")
)

// matchExt returns the match function of files whose names end in ext,
// outside the directories excludedDir names.
func matchExt(ext string) func(path string) bool {
	return func(p string) bool { return strings.HasSuffix(p, ext) && !excludedDir(p) }
}
