package snapshot

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// present records whether a key was in the document with a value other
// than null, without keeping the value.
type present bool

func (p *present) UnmarshalJSON(b []byte) error {
	*p = present(!bytes.Equal(bytes.TrimSpace(b), []byte("null")))
	return nil
}

// sections is the shape every snapshot has: the keys a writer always
// writes (omitempty ones aside). A missing key must not read as an empty
// value: a document without its reference list would say "the release
// uses nothing", and check would pass a drop the release needs.
type sections struct {
	Format   present `json:"format"`
	Revision present `json:"revision"`
	Config   *struct {
		PGVersion  present `json:"pg_version"`
		Migrations *[]struct {
			Dir present `json:"dir"`
		} `json:"migrations"`
		Exclude    present `json:"exclude"`
		References *struct {
			Exclude present `json:"exclude"`
		} `json:"references"`
		Rules       present `json:"rules"`
		MaxFileSize present `json:"max_file_size"`
	} `json:"config"`
	Migrations *[]struct {
		Path          present `json:"path"`
		Format        present `json:"format"`
		Checksum      present `json:"checksum"`
		Transactional present `json:"transactional"`
		Text          present `json:"text"`
	} `json:"migrations"`
	Files *[]struct {
		Path present `json:"path"`
	} `json:"files"`
	References *struct {
		Version present `json:"version"`
		Refs    present `json:"refs"`
	} `json:"references"`
	Catalog *struct {
		Tables  present `json:"tables"`
		Indexes present `json:"indexes"`
		Objects present `json:"objects"`
	} `json:"catalog"`
}

// missingSection names the first required section data lacks, or "".
// data is known to decode into a Snapshot.
func missingSection(data []byte) (string, error) {
	var s sections
	if err := json.Unmarshal(data, &s); err != nil {
		return "", err
	}
	return s.missing(), nil
}

// field is one required key of an object: whether it was there, and its name.
type field struct {
	ok   present
	name string
}

func firstMissing(prefix string, fields ...field) string {
	for _, f := range fields {
		if !f.ok {
			return prefix + f.name
		}
	}
	return ""
}

func (s *sections) missing() string {
	if m := firstMissing("", field{s.Format, "format"}, field{s.Revision, "revision"}); m != "" {
		return m
	}
	c := s.Config
	switch {
	case c == nil:
		return "config"
	case c.Migrations == nil:
		return "config.migrations"
	case c.References == nil:
		return "config.references"
	}
	if m := firstMissing("config.", field{c.PGVersion, "pg_version"}, field{c.Exclude, "exclude"},
		field{c.References.Exclude, "references.exclude"}, field{c.Rules, "rules"}, field{c.MaxFileSize, "max_file_size"}); m != "" {
		return m
	}
	for i, d := range *c.Migrations {
		if m := firstMissing(fmt.Sprintf("config.migrations[%d].", i), field{d.Dir, "dir"}); m != "" {
			return m
		}
	}
	if s.Migrations == nil {
		return "migrations"
	}
	for i, m := range *s.Migrations {
		if m := firstMissing(fmt.Sprintf("migrations[%d].", i), field{m.Path, "path"}, field{m.Format, "format"},
			field{m.Checksum, "checksum"}, field{m.Transactional, "transactional"}, field{m.Text, "text"}); m != "" {
			return m
		}
	}
	if s.Files == nil {
		return "files"
	}
	for i, f := range *s.Files {
		if m := firstMissing(fmt.Sprintf("files[%d].", i), field{f.Path, "path"}); m != "" {
			return m
		}
	}
	if s.References == nil {
		return "references"
	}
	if m := firstMissing("references.", field{s.References.Version, "version"}, field{s.References.Refs, "refs"}); m != "" {
		return m
	}
	if s.Catalog == nil {
		return "catalog"
	}
	return firstMissing("catalog.", field{s.Catalog.Tables, "tables"}, field{s.Catalog.Indexes, "indexes"}, field{s.Catalog.Objects, "objects"})
}
