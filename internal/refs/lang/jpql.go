package lang

import (
	"bytes"
	"strings"

	sitter "github.com/smacker/go-tree-sitter"
)

// jpqlAnnotation reports a Java string that is JPQL rather than SQL: the
// query of a Spring Data JPA @Query without nativeQuery = true, or of a
// JPA @NamedQuery. JPQL names entities and attributes, not tables and
// columns; the ORM extractors resolve it (internal/refs/orm). Spring
// Data JDBC's @Query holds SQL and is read as such.
func jpqlAnnotation(f *tsFile, root *sitter.Node) bool {
	p := root.Parent()
	key := "value"
	if p != nil && p.Type() == "element_value_pair" {
		if k := p.ChildByFieldName("key"); k != nil {
			key = string(f.text(k))
		}
		p = p.Parent()
	}
	if p == nil || p.Type() != "annotation_argument_list" {
		return false
	}
	ann := p.Parent()
	if ann == nil || ann.Type() != "annotation" {
		return false
	}
	name := string(f.text(ann.ChildByFieldName("name")))
	name = name[strings.LastIndexByte(name, '.')+1:]
	switch {
	case name == "NamedQuery" && key == "query":
		return true
	case name != "Query" || key != "value":
		return false
	case !bytes.Contains(f.src, []byte("data.jpa.repository")):
		return false // Spring Data JDBC, Micronaut: SQL
	}
	for i := 0; i < int(p.NamedChildCount()); i++ {
		pair := p.NamedChild(i)
		if pair.Type() != "element_value_pair" {
			continue
		}
		k, v := pair.ChildByFieldName("key"), pair.ChildByFieldName("value")
		if k != nil && v != nil && string(f.text(k)) == "nativeQuery" && string(f.text(v)) == "true" {
			return false
		}
	}
	return true
}
