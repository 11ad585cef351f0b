// Package initcfg writes a project's first schemagate.yaml (schemagate
// init): the migration directories the loader finds (the same discovery
// every command runs), the PostgreSQL version the project names, and the
// CI it uses, for the next step to print.
package initcfg

import (
	"bytes"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/schemagate/schemagate/internal/migrations"
)

// Project is what init found in a project.
type Project struct {
	// Dirs are the migration directories discovery found, in the order
	// every command reads them.
	Dirs []migrations.Dir
	// Rejected are directories discovery considered and passed over.
	Rejected []migrations.Candidate
	// PG are the PostgreSQL versions the project names, each with where.
	PG []PGVersion
	// CI are the CI systems the project is set up for.
	CI []CI
	// StrongMigrations is the path of strong_migrations' initializer,
	// when there is one.
	StrongMigrations string
}

// PGVersion is a PostgreSQL major version and the file that names it.
type PGVersion struct {
	Major int
	Where string // file, and the image or tool line
}

// CI is one CI system: its name and the file that shows it.
type CI struct {
	Name string // "GitHub Actions", "GitLab CI", "AWS CodeBuild"
	File string
}

const strongMigrationsInit = "config/initializers/strong_migrations.rb"

// Detect reads the project in fsys (its root is the directory
// schemagate.yaml goes in).
func Detect(fsys fs.FS) (*Project, error) {
	res, err := migrations.Load(fsys, migrations.Config{})
	if err != nil {
		return nil, err
	}
	p := &Project{Dirs: res.Dirs, Rejected: res.Rejected}
	p.PG = pgVersions(fsys)
	p.CI = ciSystems(fsys)
	if isFile(fsys, strongMigrationsInit) {
		p.StrongMigrations = strongMigrationsInit
	}
	return p, nil
}

func isFile(fsys fs.FS, name string) bool {
	st, err := fs.Stat(fsys, name)
	return err == nil && st.Mode().IsRegular()
}

// postgresImage matches an image reference of PostgreSQL (the official
// image, PostGIS's, Bitnami's, a registry's mirror of them) and captures
// its tag's major version: postgres:15, postgres:16.2-alpine,
// postgis/postgis:15-3.4, public.ecr.aws/docker/library/postgres:14.
var postgresImage = regexp.MustCompile(`^(?:[a-z0-9.-]+(?::\d+)?/)?(?:[a-z0-9._-]+/)*(?:postgres|postgresql|postgis)(?:-[a-z0-9]+)?:(\d+)(?:[.\-][\w.-]*)?$`)

// toolVersion matches a .tool-versions line for PostgreSQL.
var toolVersion = regexp.MustCompile(`(?m)^\s*(postgres|postgresql)\s+(\d+)`)

// composeFiles and ciFiles are where projects name their PostgreSQL image.
var composeFiles = []string{"docker-compose.yml", "docker-compose.yaml", "compose.yml", "compose.yaml"}

// pgVersions reads the PostgreSQL versions the project names, each once
// per file, in the order of the files.
func pgVersions(fsys fs.FS) []PGVersion {
	var out []PGVersion
	files := slices.Clone(composeFiles)
	files = append(files, ".gitlab-ci.yml", ".circleci/config.yml")
	files = append(files, globYAML(fsys, ".github/workflows")...)
	files = append(files, buildspecs(fsys)...)
	for _, name := range files {
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			continue
		}
		var root yaml.Node
		if yaml.Unmarshal(data, &root) != nil {
			continue
		}
		seen := map[string]bool{}
		walkScalars(&root, func(s string) {
			m := postgresImage.FindStringSubmatch(strings.TrimSpace(s))
			if m == nil || seen[s] {
				return
			}
			seen[s] = true
			if major, err := strconv.Atoi(m[1]); err == nil && major >= 9 && major < 100 {
				out = append(out, PGVersion{Major: major, Where: fmt.Sprintf("%s (image %s)", name, strings.TrimSpace(s))})
			}
		})
	}
	if data, err := fs.ReadFile(fsys, ".tool-versions"); err == nil {
		for _, m := range toolVersion.FindAllStringSubmatch(string(data), -1) {
			if major, err := strconv.Atoi(m[2]); err == nil {
				out = append(out, PGVersion{Major: major, Where: fmt.Sprintf(".tool-versions (%s %s)", m[1], m[2])})
			}
		}
	}
	return out
}

func walkScalars(n *yaml.Node, fn func(string)) {
	if n.Kind == yaml.ScalarNode {
		fn(n.Value)
	}
	for _, c := range n.Content {
		walkScalars(c, fn)
	}
}

// globYAML lists the .yml and .yaml files of dir, sorted.
func globYAML(fsys fs.FS, dir string) []string {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil
	}
	var out []string
	for _, e := range entries {
		if !e.IsDir() && (strings.HasSuffix(e.Name(), ".yml") || strings.HasSuffix(e.Name(), ".yaml")) {
			out = append(out, path.Join(dir, e.Name()))
		}
	}
	sort.Strings(out)
	return out
}

// buildspecs lists CodeBuild buildspecs at the root: buildspec.yml,
// buildspec-*.yml.
func buildspecs(fsys fs.FS) []string {
	var out []string
	for _, name := range globYAML(fsys, ".") {
		if strings.HasPrefix(name, "buildspec") {
			out = append(out, name)
		}
	}
	return out
}

// ciSystems finds the CI the project is set up for.
func ciSystems(fsys fs.FS) []CI {
	var out []CI
	if wf := globYAML(fsys, ".github/workflows"); len(wf) > 0 {
		out = append(out, CI{Name: "GitHub Actions", File: wf[0]})
	}
	if isFile(fsys, ".gitlab-ci.yml") {
		out = append(out, CI{Name: "GitLab CI", File: ".gitlab-ci.yml"})
	}
	if bs := buildspecs(fsys); len(bs) > 0 {
		out = append(out, CI{Name: "AWS CodeBuild", File: bs[0]})
	}
	return out
}

// PGMajor is the version the config names: the lowest the project
// names, since the migrations must be safe on every server they run on
// (and older servers rewrite and lock more); 0 when none.
func (p *Project) PGMajor() int {
	lowest := 0
	for _, v := range p.PG {
		if lowest == 0 || v.Major < lowest {
			lowest = v.Major
		}
	}
	return lowest
}

// Render is the commented schemagate.yaml for the project.
func (p *Project) Render(version string) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "# schemagate.yaml: written by `schemagate init` (schemagate %s).\n", version)
	b.WriteString("# Every key is optional; paths are relative to this file. See the README's\n")
	b.WriteString("# \"Configuration\" section for every key.\n\n")

	b.WriteString("# The PostgreSQL major version the migrations run on: rules that depend on\n")
	b.WriteString("# it (what locks, what rewrites) follow it.\n")
	if major := p.PGMajor(); major > 0 {
		for _, v := range p.PG {
			fmt.Fprintf(&b, "#   %d: %s\n", v.Major, v.Where)
		}
		if len(p.PG) > 1 {
			b.WriteString("# The lowest is taken: the migrations must be safe on each.\n")
		}
		fmt.Fprintf(&b, "pg-version: %d\n\n", major)
	} else {
		b.WriteString("# The project names none (docker-compose images, CI service images,\n")
		b.WriteString("# .tool-versions); the default is 16.\n")
		b.WriteString("# pg-version: 16\n\n")
	}

	b.WriteString("# The migration directories, in the order they are applied. Found the way every\n")
	b.WriteString("# command finds them without a config; the format is detected when left out.\n")
	b.WriteString("# post-deploy: true marks migrations that run after the new release is\n")
	b.WriteString("# deployed (check tests them against the new release, gate runs them last).\n")
	if len(p.Dirs) == 0 {
		b.WriteString("# None was found below this directory:\n")
		for _, r := range p.Rejected {
			fmt.Fprintf(&b, "#   %s: %s\n", r.Dir, r.Reason)
		}
		b.WriteString("# migrations:\n#   - dir: db/migrations\n#     format: golang-migrate\n\n")
	} else {
		b.WriteString("migrations:\n")
		for _, d := range p.Dirs {
			fmt.Fprintf(&b, "  - dir: %s\n", yamlString(d.Path))
			fmt.Fprintf(&b, "    format: %s  # %d migration(s)\n", d.Format, d.Count)
			if d.PostDeploy {
				b.WriteString("    post-deploy: true\n")
			}
		}
		for _, r := range p.Rejected {
			fmt.Fprintf(&b, "  # not read: %s: %s\n", r.Dir, r.Reason)
		}
		b.WriteString("\n")
	}

	if p.StrongMigrations != "" {
		fmt.Fprintf(&b, "# strong_migrations: %s exists. Its safety_assured blocks\n", p.StrongMigrations)
		b.WriteString("# suppress lint findings inside them (never check's compatibility errors);\n")
		b.WriteString("# false reports them anyway. When it sets StrongMigrations.lock_timeout, the\n")
		b.WriteString("# runner sets lock_timeout itself: lock-timeout-set: true.\n")
		b.WriteString("safety-assured: true\n")
		b.WriteString("# lock-timeout-set: true\n\n")
	}

	b.WriteString("# The deployed release check compares against when --previous is not given\n")
	b.WriteString("# (CI passes --previous: the base branch before a merge, the deployed commit\n")
	b.WriteString("# before a deploy).\n")
	b.WriteString("# previous: origin/main\n\n")
	b.WriteString("# Report only the migrations added or modified since this revision in lint\n")
	b.WriteString("# (what `lint --changed-from` does; the pre-commit hook passes HEAD).\n")
	b.WriteString("# changed-from: origin/main\n\n")
	b.WriteString("# The lowest severity that fails a run (lint: warning, check and gate: error).\n")
	b.WriteString("# fail-on: warning\n\n")
	b.WriteString("# A rule's severity: error, warning, hint or off (`schemagate rules` lists them).\n")
	b.WriteString("# rules:\n#   prefer-text-field: off\n\n")
	b.WriteString("# Paths never read, as globs.\n")
	b.WriteString("# exclude:\n#   - vendor/**\n")
	return b.Bytes()
}

// yamlString quotes s when YAML would not read it back as the same string.
func yamlString(s string) string {
	var v string
	if yaml.Unmarshal([]byte(s), &v) == nil && v == s && !strings.ContainsAny(s, "#:") {
		return s
	}
	return strconv.Quote(s)
}

// NextSteps says what to run next, for the CI the project uses.
func (p *Project) NextSteps(version string) string {
	var b strings.Builder
	b.WriteString("Next:\n")
	b.WriteString("  schemagate lint                          # every migration, with a summary per rule\n")
	b.WriteString("  schemagate lint --changed-from origin/main   # only what this branch adds\n")
	b.WriteString("  schemagate check --previous origin/main  # would the running release survive them?\n")
	if len(p.CI) == 0 {
		b.WriteString("No CI configuration found: run `schemagate check --previous <base branch>` before merging,\n")
		b.WriteString("and `schemagate gate` in place of the step that runs the migrations (see examples/).\n")
	}
	for _, ci := range p.CI {
		fmt.Fprintf(&b, "%s (%s):\n", ci.Name, ci.File)
		switch ci.Name {
		case "GitHub Actions":
			fmt.Fprintf(&b, "  add to a pull_request workflow, after actions/checkout with fetch-depth: 0:\n")
			fmt.Fprintf(&b, "    - uses: schemagate/schemagate@%s\n", version)
			b.WriteString("  (the job needs permissions: security-events: write; examples/github/schemagate-check.yml is a whole workflow)\n")
		case "GitLab CI":
			b.WriteString("  add a merge request job whose findings show in the merge request (code quality):\n")
			b.WriteString("    schemagate:\n")
			b.WriteString("      rules: [{if: $CI_PIPELINE_SOURCE == \"merge_request_event\"}]\n")
			b.WriteString("      variables: {GIT_DEPTH: 0}\n")
			b.WriteString("      script:\n")
			b.WriteString("        - git fetch origin $CI_MERGE_REQUEST_TARGET_BRANCH_NAME\n")
			b.WriteString("        - schemagate check --previous origin/$CI_MERGE_REQUEST_TARGET_BRANCH_NAME --format gitlab > gl-code-quality-report.json\n")
			b.WriteString("      artifacts: {when: always, reports: {codequality: gl-code-quality-report.json}}\n")
		case "AWS CodeBuild":
			b.WriteString("  take a snapshot in the build (schemagate snapshot --upload s3://...) and replace the step that\n")
			b.WriteString("  runs the migration with schemagate gate ecs: examples/aws has both buildspecs and the Terraform\n")
		}
	}
	return b.String()
}
