package orm

import (
	"bytes"
	"path"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/schemagate/schemagate/internal/refs"
	"github.com/schemagate/schemagate/internal/refs/lang"
	"github.com/schemagate/schemagate/internal/source"
)

// JavaScript extracts the references of the ORMs and query builders of
// TypeScript and JavaScript programs: TypeORM, MikroORM, Sequelize
// (sequelize-typescript too), Drizzle, Knex and Kysely. See the files
// named after each library for what it emits.
//
// Entities and models reach across files (a base class, an embedded
// class, a model queried in another module), so the extractor reads
// every matching file of a release together; names are resolved through
// each file's imports (relative paths, index files, re-exports) and
// else by a class name that only one file declares.
//
// Only files that mention one of the libraries, or call a method that
// only query builders have, are parsed.
var JavaScript refs.FilesExtractor = &program{
	name:    "javascript-orm",
	match:   matchJS,
	extract: jsReferences,
}

// matchJS reads TypeScript and JavaScript sources outside tests,
// migrations, dependencies and build output.
func matchJS(p string) bool {
	base := strings.ToLower(path.Base(p))
	if !slices.Contains(jsExtensions, path.Ext(base)) || strings.HasSuffix(base, ".d.ts") || excludedDir(p) {
		return false
	}
	for _, s := range []string{".test.", ".spec.", ".min.", ".bundle.", ".chunk."} {
		if strings.Contains(base, s) {
			return false
		}
	}
	return !inDir(p, "dist", "build", ".next", "coverage")
}

// jsStrongMarkers are words whose presence makes a file worth parsing.
var jsStrongMarkers = [][]byte{
	[]byte("typeorm"), []byte("sequelize"), []byte("Sequelize"), []byte("knex"), []byte("Knex"),
	[]byte("kysely"), []byte("Kysely"), []byte("drizzle"), []byte("mikro-orm"), []byte("@Entity"),
	[]byte("EntitySchema"), []byte("Table("),
}

// jsMethodMarkers are methods of the libraries' query builders and models.
var jsMethodMarkers = map[string]bool{
	"createQueryBuilder": true, "getRepository": true, "define": true, "init": true,
	"findAll": true, "findOne": true, "findAndCountAll": true, "findByPk": true,
	"selectFrom": true, "insertInto": true, "updateTable": true, "deleteFrom": true,
	"where": true, "select": true, "insert": true, "update": true, "returning": true,
	"first": true, "pluck": true, "del": true, "whereIn": true, "from": true,
}

// jsRelevant is the cheap test a file passes before it is parsed.
func jsRelevant(src []byte) bool {
	for _, m := range jsStrongMarkers {
		if bytes.Contains(src, m) {
			return true
		}
	}
	for i := 0; i < len(src); {
		j := bytes.IndexByte(src[i:], '.')
		if j < 0 {
			break
		}
		i += j + 1
		k := i
		for k < len(src) && (isWordByte(src[k]) || src[k] == '$') {
			k++
		}
		if k > i && k < len(src) && (src[k] == '(' || src[k] == '<') && jsMethodMarkers[string(src[i:k])] {
			return true
		}
	}
	return false
}

// jsReferences reads the program the files make.
func jsReferences(files []*source.File) ([]refs.Reference, error) {
	parsed, firstErr := parseFiles(files, func(f *source.File) (*jsFile, error) {
		if !jsRelevant(f.Text) || lang.LooksBundled(f.Text) {
			return nil, nil
		}
		return readJSFile(f, bytes.Contains(f.Text, []byte("drizzle")))
	})
	p := &jsProgram{files: parsed, byPath: map[string]*jsFile{}, classes: map[string][]jsClassRef{}, modules: map[string]*jsFile{}}
	for _, jf := range parsed {
		p.byPath[jf.path()] = jf
		for _, c := range jf.classes {
			p.classes[c.name] = append(p.classes[c.name], jsClassRef{c, jf})
		}
	}
	var out []refs.Reference
	out = append(out, p.typeorm()...)
	out = append(out, p.mikroORM()...)
	out = append(out, p.sequelize()...)
	out = append(out, p.drizzle()...)
	out = append(out, p.queryBuilders()...)
	return out, firstErr
}

// parseFiles parses files in parallel with parse, which returns nil for
// a file not worth parsing. It returns the parsed files in order and the
// first error.
func parseFiles[T any](files []*source.File, parse func(*source.File) (*T, error)) ([]*T, error) {
	parsed := make([]*T, len(files))
	errs := make([]error, len(files))
	parallel(len(files), func(i int) {
		parsed[i], errs[i] = parse(files[i])
	})
	var firstErr error
	for _, err := range errs {
		if err != nil {
			firstErr = err
			break
		}
	}
	return slices.DeleteFunc(parsed, func(t *T) bool { return t == nil }), firstErr
}

// parallel runs fn(0..n-1) on GOMAXPROCS goroutines.
func parallel(n int, fn func(i int)) {
	workers := min(runtime.GOMAXPROCS(0), n)
	var wg sync.WaitGroup
	next := make(chan int, n)
	for i := range n {
		next <- i
	}
	close(next)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				fn(i)
			}
		}()
	}
	wg.Wait()
}

// jsProgram is the parsed files of one release.
type jsProgram struct {
	files   []*jsFile
	byPath  map[string]*jsFile
	classes map[string][]jsClassRef

	typeormModel *typeormModel
	sequelizeSet *sequelizeModels
	modules      map[string]*jsFile // resolved import specifiers
}

type jsClassRef struct {
	c    *jsClass
	file *jsFile
}

var jsExtensions = []string{".ts", ".tsx", ".js", ".jsx", ".mts", ".cts", ".mjs", ".cjs"}

// module returns the file an import specifier names, or nil: relative
// specifiers are resolved against the importing file (with the
// extensions and index files Node and TypeScript try); others (path
// aliases such as "@/entities/user" or "src/entities/user") by the one
// file whose path ends with them.
func (p *jsProgram) module(from *jsFile, spec string) *jsFile {
	if spec == "" {
		return nil
	}
	key := spec
	if strings.HasPrefix(spec, ".") {
		key = path.Dir(from.path()) + "\x00" + spec
	}
	if f, ok := p.modules[key]; ok {
		return f
	}
	f := p.findModule(from, spec)
	p.modules[key] = f
	return f
}

func (p *jsProgram) findModule(from *jsFile, spec string) *jsFile {
	var base string
	if strings.HasPrefix(spec, ".") {
		base = path.Join(path.Dir(from.path()), spec)
	} else {
		base = strings.TrimPrefix(strings.TrimPrefix(strings.TrimPrefix(spec, "@/"), "~/"), "#")
	}
	cands := []string{base}
	if ext := path.Ext(base); ext == ".js" || ext == ".jsx" || ext == ".mjs" || ext == ".cjs" {
		cands = append(cands, strings.TrimSuffix(base, ext)) // ESM TypeScript imports "./user.js" for user.ts
	}
	var tries []string
	for _, c := range cands {
		tries = append(tries, c)
		for _, e := range jsExtensions {
			tries = append(tries, c+e)
		}
		for _, e := range jsExtensions {
			tries = append(tries, c+"/index"+e)
		}
	}
	if strings.HasPrefix(spec, ".") {
		for _, t := range tries {
			if f := p.byPath[t]; f != nil {
				return f
			}
		}
		return nil
	}
	var found *jsFile
	for _, t := range tries {
		for _, f := range p.files {
			if fp := f.path(); fp == t || strings.HasSuffix(fp, "/"+t) {
				if found != nil && found != f {
					return nil
				}
				found = f
			}
		}
		if found != nil {
			return found
		}
	}
	return nil
}

// declaration resolves a name used in file f to the file that declares
// it and its local name there, through imports and re-exports.
func (p *jsProgram) declaration(f *jsFile, name string) (*jsFile, string) {
	for depth := 0; depth < 12; depth++ {
		imp, ok := f.imports[name]
		if !ok {
			return f, name
		}
		m := p.module(f, imp.module)
		if m == nil {
			return nil, name
		}
		df, local, ok := p.exported(m, imp.name, 0)
		if !ok {
			return nil, name
		}
		f, name = df, local
	}
	return nil, name
}

// exported finds the declaration behind an exported name of file f.
func (p *jsProgram) exported(f *jsFile, name string, depth int) (*jsFile, string, bool) {
	if depth > 12 {
		return nil, "", false
	}
	if local, ok := f.exports[name]; ok {
		if imp, ok := f.imports[local]; ok {
			if m := p.module(f, imp.module); m != nil {
				return p.exported(m, imp.name, depth+1)
			}
			return nil, "", false
		}
		return f, local, true
	}
	for _, re := range f.reexports {
		m := p.module(f, re.module)
		if m == nil {
			continue
		}
		if re.names == nil {
			if df, local, ok := p.exported(m, name, depth+1); ok {
				return df, local, true
			}
			continue
		}
		if orig, ok := re.names[name]; ok {
			return p.exported(m, orig, depth+1)
		}
	}
	// An undeclared export: a class declared in the file under that name.
	for _, c := range f.classes {
		if c.name == name {
			return f, name, true
		}
	}
	return nil, "", false
}

// class finds the class a name used in file f refers to: declared there,
// imported, or else the only class of that name in the program.
func (p *jsProgram) class(f *jsFile, name string) (jsClassRef, bool) {
	name = lastDot(name)
	if name == "" {
		return jsClassRef{}, false
	}
	if df, local := p.declaration(f, name); df != nil {
		for _, c := range df.classes {
			if c.name == local {
				return jsClassRef{c, df}, true
			}
		}
	}
	return p.uniqueClass(name)
}

func (p *jsProgram) uniqueClass(name string) (jsClassRef, bool) {
	if cs := p.classes[name]; len(cs) == 1 {
		return cs[0], true
	}
	return jsClassRef{}, false
}

// fileRef builds a reference located at byte offset off of file f.
func fileRef(f *jsFile, src refs.Source, off int, table string) refs.Reference {
	return newRef(f.f, src, off, table)
}
