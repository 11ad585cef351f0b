// Package version says which schemagate this is: the release, the commit
// and the date it was built from, and the Go and pg_query it was built
// with. Release builds set Version, Commit and Date with -ldflags
// (scripts/release.sh); `go install ...@vX.Y.Z` builds get the module
// version and a build from a git checkout gets the commit from the Go
// build information.
package version

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"
)

// Set by release builds:
//
//	-ldflags "-X github.com/schemagate/schemagate/internal/version.Version=v0.1.0
//	          -X github.com/schemagate/schemagate/internal/version.Commit=<sha>
//	          -X github.com/schemagate/schemagate/internal/version.Date=<RFC 3339>"
var (
	Version = ""
	Commit  = ""
	Date    = ""
)

// pgQueryModule is the parser module; pgParserVersion is the PostgreSQL
// release whose parser its v5 line embeds (PG_VERSION in its
// parser/include/pg_query.h; a test keeps the two in step).
const (
	pgQueryModule   = "github.com/pganalyze/pg_query_go/v5"
	pgParserVersion = "16.1"
)

// Info is what --version prints.
type Info struct {
	Version  string // v0.1.0, or "dev" for a build that is not a release
	Commit   string // full commit id, "" when unknown
	Modified bool   // built from a work tree with uncommitted changes
	Date     string // build date (release builds) or commit date (git builds), "" when unknown
	Go       string // the Go toolchain
	PGQuery  string // pg_query_go's module version
	Parser   string // the PostgreSQL release whose parser pg_query embeds
}

// Get reads the build's version information.
func Get() Info {
	info := Info{Version: Version, Commit: Commit, Date: Date, Go: runtime.Version(), Parser: pgParserVersion}
	bi, ok := debug.ReadBuildInfo()
	if ok {
		if info.Version == "" && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
			info.Version = bi.Main.Version
		}
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				if info.Commit == "" {
					info.Commit = s.Value
				}
			case "vcs.time":
				if info.Date == "" {
					info.Date = s.Value
				}
			case "vcs.modified":
				info.Modified = s.Value == "true" && Commit == ""
			}
		}
		for _, d := range bi.Deps {
			if d.Path == pgQueryModule {
				info.PGQuery = d.Version
				if d.Replace != nil {
					info.PGQuery = d.Replace.Version
				}
			}
		}
	}
	if info.Version == "" {
		info.Version = "dev"
	}
	return info
}

// String is the --version text: the version on the first line, then one
// line per detail.
func (i Info) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "schemagate %s\n", i.Version)
	commit := i.Commit
	if commit == "" {
		commit = "unknown"
	} else if i.Modified {
		commit += " (with uncommitted changes)"
	}
	date := i.Date
	if date == "" {
		date = "unknown"
	}
	pgq := i.PGQuery
	if pgq == "" {
		pgq = "unknown"
	}
	fmt.Fprintf(&b, "  commit:   %s\n", commit)
	fmt.Fprintf(&b, "  built:    %s\n", date)
	fmt.Fprintf(&b, "  go:       %s %s/%s\n", i.Go, runtime.GOOS, runtime.GOARCH)
	fmt.Fprintf(&b, "  pg_query: %s %s (PostgreSQL %s parser)\n", pgQueryModule, pgq, i.Parser)
	return b.String()
}
