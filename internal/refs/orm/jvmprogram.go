package orm

import (
	"bytes"
	"path"
	"strings"
	"sync/atomic"

	"github.com/schemagate/schemagate/internal/refs"
	"github.com/schemagate/schemagate/internal/source"
)

// JVM extracts the references of Java and Kotlin programs: JPA/Hibernate
// entities, JPQL in Spring Data @Query annotations, and jOOQ's generated
// table references. See jpa.go, jpql.go and jooq.go.
//
// Entities reach across files (a @MappedSuperclass, an @Embeddable, the
// entity a JPQL query names), so the extractor reads every matching file
// of a release together; class names resolve through the file's package
// and imports, else to the only class of that name. Spring Boot's
// application.properties/.yml are read for the physical naming strategy.
var JVM refs.FilesExtractor = &program{
	name:    "jvm-orm",
	match:   matchJVM,
	extract: jvmReferences,
}

// matchJVM reads Java and Kotlin sources outside tests and build output,
// and Spring Boot's application configuration files.
func matchJVM(p string) bool {
	if excludedDir(p) || inDir(p, "build", "target", "out", ".gradle") {
		return false
	}
	base := path.Base(p)
	if isSpringConfig(base) {
		return true
	}
	switch path.Ext(base) {
	case ".java", ".kt":
		return !strings.HasSuffix(base, "Test.java") && !strings.HasSuffix(base, "Test.kt") && !strings.HasSuffix(base, "Tests.java") && !strings.HasSuffix(base, "Tests.kt")
	}
	return false
}

func isSpringConfig(base string) bool {
	if !strings.HasPrefix(base, "application") {
		return false
	}
	switch path.Ext(base) {
	case ".properties", ".yml", ".yaml":
		return true
	}
	return false
}

var jvmMarkers = [][]byte{
	[]byte("@Entity"), []byte("@Embeddable"), []byte("@MappedSuperclass"), []byte("@Query"),
	[]byte("@NamedQuer"), []byte("jooq"), []byte("TableImpl"),
}

func jvmRelevant(src []byte) bool {
	for _, m := range jvmMarkers {
		if bytes.Contains(src, m) {
			return true
		}
	}
	return false
}

// jvmReferences reads the program the files make.
func jvmReferences(files []*source.File) ([]refs.Reference, error) {
	p := &jvProgram{classes: map[string][]*jvClass{}}
	var sources []*source.File
	for _, f := range files {
		if isSpringConfig(path.Base(f.Path)) {
			p.config = append(p.config, f)
			continue
		}
		sources = append(sources, f)
	}
	var spring atomic.Bool
	parsed, firstErr := parseFiles(sources, func(f *source.File) (*jvFile, error) {
		if bytes.Contains(f.Text, []byte("org.springframework")) {
			spring.Store(true)
		}
		if !jvmRelevant(f.Text) {
			return nil, nil
		}
		return readJVMFile(f, bytes.Contains(f.Text, []byte("jooq")))
	})
	p.files, p.spring = parsed, spring.Load()
	for _, jf := range parsed {
		for _, c := range jf.classes {
			p.classes[c.name] = append(p.classes[c.name], c)
		}
	}
	p.naming = p.jpaNaming()
	m := p.jpaEntities()
	out := m.references()
	out = append(out, m.queries()...)
	out = append(out, p.jooq()...)
	return out, firstErr
}

// jvProgram is the parsed files of one release.
type jvProgram struct {
	files   []*jvFile
	classes map[string][]*jvClass
	config  []*source.File
	spring  bool
	naming  jpaNaming
}

// class finds the class a simple or qualified name used in file f
// refers to: same package, imported, on a wildcard import, else the only
// class of that name.
func (p *jvProgram) class(f *jvFile, name string) *jvClass {
	if name == "" {
		return nil
	}
	simple := lastDot(name)
	cands := p.classes[simple]
	switch len(cands) {
	case 0:
		return nil
	case 1:
		return cands[0]
	}
	want := []string{}
	if strings.Contains(name, ".") {
		want = append(want, name)
	}
	if q, ok := f.imports[simple]; ok {
		want = append(want, q)
	}
	want = append(want, f.pkg+"."+simple)
	for _, w := range f.wildcards {
		want = append(want, w+"."+simple)
	}
	for _, w := range want {
		for _, c := range cands {
			if c.file.pkg+"."+c.name == w {
				return c
			}
		}
	}
	return nil
}
