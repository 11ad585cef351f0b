// Package snapshot writes and reads release snapshots: one JSON document
// holding everything check needs to know about a release (its migrations
// with their full text, schema dumps, the reference index of its code,
// the catalog its migrations build, the config in force), so that a
// pipeline stage without git can check against the releases that run.
// The format is documented in docs/snapshots.md.
package snapshot

import (
	"errors"
	"fmt"
	"path"
	"strings"

	"github.com/schemagate/schemagate/internal/catalog"
	"github.com/schemagate/schemagate/internal/migrations"
	"github.com/schemagate/schemagate/internal/migrations/migration"
	"github.com/schemagate/schemagate/internal/refs"
)

// Format is the format version this package writes. A reader reads
// formats MinReadFormat to Format, and a newer document whose MinFormat
// is at most Format (a later format that only adds fields).
const (
	Format        = 1
	MinReadFormat = 1
)

// Size limits: a document larger than these is refused, when written and
// when read, so a wrong or hostile object cannot exhaust memory.
const (
	MaxSize           = 256 << 20 // uncompressed JSON
	MaxCompressedSize = 64 << 20  // the .json.gz object
)

// Snapshot is one release, as the JSON document stores it. Field order is
// the document's key order; arrays are in a fixed order, so the same tree
// always gives the same bytes.
type Snapshot struct {
	Format int `json:"format"`
	// MinFormat is the oldest reader format that can use the document.
	MinFormat         int    `json:"min_format"`
	SchemagateVersion string `json:"schemagate_version"`
	// Revision names the release as deployments name it (the image tag);
	// snapshots are stored in S3 under it.
	Revision string `json:"revision"`
	// Commit and Tree are the git commit and tree ids, when the snapshot
	// was taken from git (or a working tree of a known commit).
	Commit string `json:"commit,omitempty"`
	TreeID string `json:"tree,omitempty"`
	Config Config `json:"config"`
	// Migrations are the release's migrations in apply order.
	Migrations []Migration `json:"migrations"`
	// Files are the other files check may read (schema dumps, sqitch
	// plans, down migrations, framework files), sorted by path.
	Files      []File           `json:"files"`
	References *refs.Index      `json:"references"`
	Catalog    *catalog.Catalog `json:"catalog"`

	// Read is what reading the tree's migrations saw (which directories,
	// how found), for Build's caller; it is not part of the document.
	Read *migrations.Result `json:"-"`
}

// Config is the configuration in force when the snapshot was taken.
type Config struct {
	// File is the config file's path in the tree ("" when there was none);
	// Dir is its directory, which the migration directories are under.
	File            string            `json:"file,omitempty"`
	Dir             string            `json:"dir,omitempty"`
	PGVersion       int               `json:"pg_version"`
	MigrationFormat string            `json:"migration_format,omitempty"`
	Migrations      []MigrationDir    `json:"migrations"`
	SchemaDump      string            `json:"schema_dump,omitempty"`
	Exclude         []string          `json:"exclude"`
	References      References        `json:"references"`
	Rules           map[string]string `json:"rules"`
	LockTimeoutSet  bool              `json:"lock_timeout_set,omitempty"`
	MaxFileSize     int64             `json:"max_file_size"`
}

// MigrationDir is one configured migration directory, relative to the
// tree's root.
type MigrationDir struct {
	Dir        string `json:"dir"`
	Format     string `json:"format,omitempty"`
	PostDeploy bool   `json:"post_deploy,omitempty"`
}

// References is the config of the reference index.
type References struct {
	Exclude      []string `json:"exclude"`
	IncludeTests bool     `json:"include_tests,omitempty"`
}

// Migration is one migration with its full text.
type Migration struct {
	Path          string `json:"path"`
	Format        string `json:"format"`
	Version       string `json:"version,omitempty"`
	Checksum      string `json:"checksum"` // migration.Checksum of Text
	Transactional bool   `json:"transactional"`
	Repeatable    bool   `json:"repeatable,omitempty"`
	Text          string `json:"text"`
}

// File is one other file. Exactly one of Text (UTF-8 text), Base64 (other
// bytes) and Size (the content was larger than the file size limit and
// is left out; readers see a file of that size that cannot be read) is
// set.
type File struct {
	Path   string  `json:"path"`
	Text   *string `json:"text,omitempty"`
	Base64 []byte  `json:"base64,omitempty"`
	Size   int64   `json:"size,omitempty"`
}

// Name is how check names the release in its report, the same name
// `check --previous REV` gives it: the short commit, followed by the
// revision when that is not a prefix of the commit.
func (s *Snapshot) Name() string {
	if s.Commit == "" {
		return s.Revision
	}
	name := s.Commit[:min(7, len(s.Commit))]
	if !strings.HasPrefix(s.Commit, s.Revision) {
		name += " (" + s.Revision + ")"
	}
	return name
}

// validate checks what a reader relies on; a document that fails it is
// corrupt and never used.
func (s *Snapshot) validate() error {
	if s.Revision == "" {
		return errors.New("no revision")
	}
	if err := checkRevision(s.Revision); err != nil {
		return err
	}
	if s.References == nil {
		return errors.New("no reference index")
	}
	if s.Catalog == nil {
		return errors.New("no catalog")
	}
	seen := map[string]bool{}
	for i, m := range s.Migrations {
		if err := checkPath(m.Path, seen); err != nil {
			return fmt.Errorf("migration %d: %w", i+1, err)
		}
		if m.Format == "" {
			return fmt.Errorf("migration %s: no format", m.Path)
		}
		if got := migration.Checksum([]byte(m.Text)); got != m.Checksum {
			return fmt.Errorf("migration %s: its text does not match its checksum (%.12s, text gives %.12s)", m.Path, m.Checksum, got)
		}
	}
	for i, f := range s.Files {
		if err := checkPath(f.Path, seen); err != nil {
			return fmt.Errorf("file %d: %w", i+1, err)
		}
		n := 0
		if f.Text != nil {
			n++
		}
		if f.Base64 != nil {
			n++
		}
		if f.Size > 0 {
			n++
		}
		if n != 1 || f.Size < 0 {
			return fmt.Errorf("file %s: want exactly one of text, base64 and size", f.Path)
		}
		if i > 0 && s.Files[i-1].Path >= f.Path {
			return fmt.Errorf("file %s: files are not sorted by path", f.Path)
		}
	}
	// A file and a directory of the same name cannot both exist.
	for p := range seen {
		for d := path.Dir(p); d != "."; d = path.Dir(d) {
			if seen[d] {
				return fmt.Errorf("%s is both a file and a directory", d)
			}
		}
	}
	return nil
}

func checkPath(p string, seen map[string]bool) error {
	if p == "" || p == "." || !pathValid(p) {
		return fmt.Errorf("path %q is not a relative slash-separated path", p)
	}
	if seen[p] {
		return fmt.Errorf("path %s appears twice", p)
	}
	seen[p] = true
	return nil
}

func pathValid(p string) bool {
	return path.Clean(p) == p && !strings.HasPrefix(p, "/") && !strings.HasPrefix(p, "../") && p != ".." && !strings.Contains(p, "\x00")
}

// checkRevision accepts what can name a release and be an S3 key part:
// a commit id, an image tag, a version. Anything else is refused without
// being shown, as it may be a secret read by mistake.
func checkRevision(rev string) error {
	if len(rev) == 0 || len(rev) > 128 {
		return errors.New("the revision must be 1 to 128 characters")
	}
	for i, c := range rev {
		ok := 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || i > 0 && strings.ContainsRune("._+@-", c)
		if !ok {
			return errors.New("the revision must be letters, digits and . _ + @ - (starting with a letter or digit)")
		}
	}
	return nil
}

// CheckRevision reports whether rev can name a snapshot (see Revision).
func CheckRevision(rev string) error {
	if err := checkRevision(rev); err != nil {
		return fmt.Errorf("revision %q: %w", rev, err)
	}
	return nil
}
