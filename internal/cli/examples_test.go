package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclparse"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"github.com/zclconf/go-cty/cty"
	"gopkg.in/yaml.v3"

	"github.com/schemagate/schemagate/internal/config"
	"github.com/schemagate/schemagate/internal/migrations"
)

// The examples under examples/ are documentation that a user copies into a
// pipeline, so they are held to the code: every file parses, every
// schemagate command line in them is accepted by the real command, and the
// Terraform grants the migrate role exactly what `gate ecs` calls.

func examplesDir() string { return filepath.Join(moduleRoot, "examples") }

func TestExamples(t *testing.T) {
	ex := loadExamples(examplesDir())
	for _, p := range ex.problems {
		t.Error(p)
	}
	if len(ex.files) < 8 {
		t.Errorf("read %d example files, want every one of them: %v", len(ex.files), ex.files)
	}

	count := map[string]int{}
	for _, l := range ex.lines {
		count[l.path]++
		t.Logf("%s (%s)", l, l.path)
	}
	for _, want := range []string{"schemagate gate ecs", "schemagate check"} {
		if count[want] == 0 {
			t.Errorf("no example runs %q (lines found: %v)", want, count)
		}
	}

	for _, p := range ex.pipelineProblems() {
		t.Error(p)
	}
	perms, problems := ex.gatePermissions()
	for _, p := range problems {
		t.Error(p)
	}
	// The flags the buildspec uses decide the optional permissions; the
	// examples use both, so the full list is granted.
	want := []string{
		"ecs:DescribeServices", "ecs:DescribeTaskDefinition", "ecs:DescribeTasks", "ecs:RunTask",
		"ecs:StopTask", "ecs:TagResource", "iam:PassRole", "logs:FilterLogEvents", "logs:GetLogEvents",
	}
	if diff := cmp.Diff(want, perms); diff != "" {
		t.Errorf("the migrate role's gate permissions (-want +got):\n%s", diff)
	}
}

func TestExampleConfigLoads(t *testing.T) {
	p := filepath.Join(examplesDir(), "schemagate.yaml")
	cfg, err := config.Load(p)
	if err != nil {
		t.Fatal(err)
	}
	var post []string
	for _, d := range cfg.Migrations {
		if _, err := migrations.ParseFormat(d.Format); err != nil {
			t.Errorf("%s: migrations dir %s: %v", p, d.Dir, err)
		}
		if d.PostDeploy {
			post = append(post, d.Dir)
		}
	}
	// The README and the buildspec explain the post-deploy split with it.
	if diff := cmp.Diff([]string{"db/post_migrate"}, post); diff != "" {
		t.Errorf("post-deploy directories (-want +got):\n%s", diff)
	}
	if cfg.Previous == "" || len(cfg.Rules) == 0 {
		t.Errorf("the example config should show previous and rules: %+v", cfg)
	}
	for name := range cfg.Rules {
		if _, ok := cfg.Severity(name); !ok {
			t.Errorf("rule %s: no severity after loading", name)
		}
	}
}

// The checker itself must catch a broken example, and say where.
func TestExamplesCheckerReportsFileAndLine(t *testing.T) {
	buildspec := func(gate string) string {
		return "version: 0.2\nenv:\n  variables:\n    T: \"30m\"\nphases:\n  build:\n    commands:\n      - echo start\n      - |\n        " +
			strings.ReplaceAll(gate, "\n", "\n        ") + "\n"
	}
	const gate = "schemagate gate ecs --cluster c --task-definition td \\\n  --subnets s --security-groups g --timeout \"$T\""
	cases := []struct {
		name  string
		files map[string]string
		want  []string // substrings of the problems, in order
	}{
		{
			name:  "misspelled flag",
			files: map[string]string{"bs.yml": buildspec(gate + " \\\n  --clustr x")},
			want:  []string{"examples/bs.yml:10: schemagate gate ecs", "unknown flag: --clustr"},
		},
		{
			name:  "bad duration from the buildspec's variable",
			files: map[string]string{"bs.yml": strings.Replace(buildspec(gate), `"30m"`, `"half an hour"`, 1)},
			want:  []string{"examples/bs.yml:10:", `invalid argument "half an hour" for "--timeout"`},
		},
		{
			name:  "missing required gate flag",
			files: map[string]string{"bs.yml": buildspec("schemagate gate ecs --cluster c --subnets s --security-groups g")},
			want:  []string{"examples/bs.yml:10:", "needs --cluster and --task-definition"},
		},
		{
			name:  "unknown format value",
			files: map[string]string{"wf.yml": "jobs:\n  a:\n    steps:\n      - run: |\n          true\n          schemagate check --previous origin/${{ github.base_ref }} --format xml\n"},
			want:  []string{"examples/wf.yml:6:", `unknown --format "xml"`},
		},
		{
			name:  "unknown command",
			files: map[string]string{"README.md": "text\n\n```sh\n# comment\nschemagate chek --previous main\n```\n"},
			want:  []string{"examples/README.md:5:", `unknown command "chek"`},
		},
		{
			name:  "YAML syntax",
			files: map[string]string{"bs.yml": "phases:\n  build:\n    commands: [\n      - x\n"},
			want:  []string{"examples/bs.yml:3: did not find expected node content"},
		},
		{
			name:  "HCL syntax",
			files: map[string]string{"tf/main.tf": "resource \"x\" \"y\" {\n  a = \n}\n"},
			want:  []string{"examples/tf/main.tf:2,", "Invalid expression"},
		},
		{
			name:  "unterminated quote",
			files: map[string]string{"bs.yml": buildspec("schemagate check --previous \"main")},
			want:  []string{"examples/bs.yml:10:", "unterminated"},
		},
		{
			name:  "Dockerfile instruction",
			files: map[string]string{"Dockerfile": "FROM debian\nRUN true\nRUNN schemagate --version\n"},
			want:  []string{"examples/Dockerfile:3:", `unknown instruction "RUNN"`},
		},
		{
			name:  "Dockerfile command",
			files: map[string]string{"Dockerfile": "FROM debian\nRUN true && \\\n    schemagate --verzion\nENTRYPOINT [\"schemagate\"]\nCMD [\"lint\", \"--fail-on\", \"sometimes\"]\n"},
			want:  []string{"examples/Dockerfile:3:", "unknown flag: --verzion", "examples/Dockerfile:5:", `unknown level "sometimes"`},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := writeTree(t, c.files)
			got := strings.Join(loadExamples(dir).problems, "\n")
			rest := got
			for _, w := range c.want {
				i := strings.Index(rest, w)
				if i < 0 {
					t.Fatalf("problems lack %q (in order):\n%s", w, got)
				}
				rest = rest[i+len(w):]
			}
		})
	}
}

// Edits of the real examples that break the flow the Terraform and the
// buildspec set up together: each must be caught, at its file and line.
func TestExamplesCheckerCatchesBrokenPipeline(t *testing.T) {
	cases := []struct {
		name     string
		file     string
		old, new string
		want     []string
		edit     func(string) string // when old is ""
	}{
		{"extra action", "aws/terraform/iam.tf",
			`actions   = ["ecs:DescribeServices"]`, `actions   = ["ecs:DescribeServices", "ecs:ListTasks"]`,
			[]string{"examples/aws/terraform/iam.tf:", "grants ecs:ListTasks, which gate ecs does not call"}, nil},
		{"missing action", "aws/terraform/iam.tf",
			`actions   = ["ecs:DescribeTasks", "ecs:StopTask"]`, `actions   = ["ecs:DescribeTasks"]`,
			[]string{"examples/aws/terraform/main.tf:", "lacks ecs:StopTask, which gate ecs calls (--stop-on-cancel)"}, nil},
		{"wildcard", "aws/terraform/iam.tf",
			`actions   = ["logs:GetLogEvents"]`, `actions   = ["logs:Get*"]`,
			[]string{"examples/aws/terraform/iam.tf:", `grants "logs:Get*"`}, nil},
		{"unscoped", "aws/terraform/iam.tf",
			`resources = [local.service_arn]`, `resources = ["*"]`,
			[]string{"examples/aws/terraform/iam.tf:", `ecs:DescribeServices on "*"`}, nil},
		{"flag dropped, permission left", "aws/buildspec-migrate.yml",
			"--stop-on-cancel \\\n", "",
			[]string{"examples/aws/terraform/iam.tf:", "grants ecs:StopTask, which gate ecs does not call"}, nil},
		{"variable nobody sets", "aws/terraform/main.tf",
			`name  = "ECS_SERVICE"`, `name  = "SERVICE"`,
			[]string{"examples/aws/buildspec-migrate.yml:65:", "$ECS_SERVICE is set neither"}, nil},
		{"zip source", "aws/terraform/main.tf",
			`OutputArtifactFormat = "CODEBUILD_CLONE_REF"`, `OutputArtifactFormat = "CODE_ZIP"`,
			[]string{"examples/aws/terraform/main.tf:", `OutputArtifactFormat = "CODEBUILD_CLONE_REF"`}, nil},
		{"cannot clone", "aws/terraform/iam.tf",
			"sid       = \"CloneThroughConnection\"\n    actions   = local.connection_actions", "sid       = \"CloneThroughConnection\"\n    actions   = [\"s3:GetObject\"]",
			[]string{"examples/aws/terraform/main.tf:", "cannot clone the CodeStarSourceConnection source"}, nil},
		{name: "migrate after deploy", file: "aws/terraform/main.tf", edit: moveMigrateStageLast,
			want: []string{"examples/aws/terraform/main.tf:", "the deploy runs in stage 3, not after the migration (stage 4)"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := copyExamples(t)
			p := filepath.Join(dir, filepath.FromSlash(c.file))
			data, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			edited := strings.Replace(string(data), c.old, c.new, 1)
			if c.old == "" {
				edited = c.edit(string(data))
			}
			if edited == string(data) {
				t.Fatalf("%s no longer contains %q: update this test", c.file, c.old)
			}
			if err := os.WriteFile(p, []byte(edited), 0o644); err != nil {
				t.Fatal(err)
			}
			ex := loadExamples(dir)
			_, problems := ex.gatePermissions()
			got := strings.Join(slices.Concat(ex.problems, problems, ex.pipelineProblems()), "\n")
			for _, w := range c.want {
				if !strings.Contains(got, w) {
					t.Errorf("problems lack %q:\n%s", w, got)
				}
			}
		})
	}
}

// moveMigrateStageLast moves the pipeline's Migrate stage after Deploy.
func moveMigrateStageLast(tf string) string {
	start := strings.Index(tf, "  stage {\n    name = \"Migrate\"")
	end := strings.Index(tf, "  stage {\n    name = \"Deploy\"")
	last := strings.Index(tf, "output \"pipeline_name\"")
	if start < 0 || end < start || last < end {
		return tf
	}
	closing := strings.LastIndex(tf[:last], "}") // the pipeline's
	return tf[:start] + tf[end:closing] + tf[start:end] + tf[closing:]
}

// copyExamples copies examples/ into a temporary directory.
func copyExamples(t *testing.T) string {
	t.Helper()
	files := map[string]string{}
	err := filepath.WalkDir(examplesDir(), func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		rel, _ := filepath.Rel(examplesDir(), p)
		files[filepath.ToSlash(rel)] = string(data)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return writeTree(t, files)
}

func writeTree(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "examples")
	for name, text := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// --- gathering ----------------------------------------------------------------

// examples is what the example files hold.
type examples struct {
	dir      string
	files    []string
	problems []string
	lines    []schemagateLine
	// vars are the variables each YAML file or Dockerfile defines.
	vars map[string]map[string]string
	tf   []*tfFile
}

type tfFile struct {
	name string // as shown, e.g. examples/aws/terraform/iam.tf
	dir  string // on disk, for path.module
	body *hclsyntax.Body
}

// schemagateLine is one schemagate command line found in an example.
type schemagateLine struct {
	file  string // as shown
	pos   string // file:line
	args  []string
	vars  []string // the variables it reads
	path  string   // the command it runs, e.g. "schemagate gate ecs"
	flags map[string]bool
}

func (l schemagateLine) String() string {
	return l.pos + ": schemagate " + strings.Join(l.args, " ")
}

func (e *examples) problem(pos, format string, args ...any) {
	e.problems = append(e.problems, pos+": "+fmt.Sprintf(format, args...))
}

func loadExamples(dir string) *examples {
	e := &examples{dir: dir, vars: map[string]map[string]string{}}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(filepath.Dir(dir), p)
		name := filepath.ToSlash(rel)
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		var found []schemagateLine
		switch {
		case strings.HasSuffix(p, ".yml") || strings.HasSuffix(p, ".yaml"):
			found = e.readYAML(name, data)
		case strings.HasSuffix(p, ".tf"):
			e.readTerraform(name, filepath.Dir(p), data)
		case d.Name() == "Dockerfile":
			found = e.readDockerfile(name, data)
		case strings.HasSuffix(p, ".md"):
			found = e.readMarkdown(name, data)
		default:
			return nil
		}
		e.files = append(e.files, name)
		for _, l := range found {
			e.checkLine(&l)
			e.lines = append(e.lines, l)
		}
		return nil
	})
	if err != nil {
		e.problem(dir, "%v", err)
	}
	return e
}

var yamlLine = regexp.MustCompile(`^yaml: line (\d+): `)

// yamlError puts the line of a YAML error first, as file:line, for text
// that starts after line offset of the file.
func yamlError(name string, offset int, err error) string {
	msg := err.Error()
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		var n int
		fmt.Sscan(m[1], &n)
		return fmt.Sprintf("%s:%d: %s", name, offset+n, msg[len(m[0]):])
	}
	return fmt.Sprintf("%s:%d: %s", name, offset+1, strings.TrimPrefix(msg, "yaml: "))
}

// githubExpr is a GitHub Actions expression, substituted before the shell
// sees the script.
var githubExpr = regexp.MustCompile(`\$\{\{.*?\}\}`)

func (e *examples) readYAML(name string, data []byte) []schemagateLine {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		e.problems = append(e.problems, yamlError(name, 0, err))
		return nil
	}
	vars := map[string]string{}
	e.vars[name] = vars
	type script struct {
		text string
		line int
	}
	var scripts []script
	add := func(n *yaml.Node) {
		if n.Kind != yaml.ScalarNode {
			e.problem(fmt.Sprintf("%s:%d", name, n.Line), "a command that is not a string")
			return
		}
		line := n.Line
		if n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0 {
			line++ // the text starts below the | or >
		}
		scripts = append(scripts, script{n.Value, line})
	}
	var walk func(n *yaml.Node)
	walk = func(n *yaml.Node) {
		if n.Kind == yaml.MappingNode {
			for i := 0; i+1 < len(n.Content); i += 2 {
				k, v := n.Content[i].Value, n.Content[i+1]
				switch {
				case (k == "commands" || k == "finally") && v.Kind == yaml.SequenceNode:
					for _, c := range v.Content {
						add(c)
					}
				case k == "run" && v.Kind == yaml.ScalarNode:
					add(v)
				case (k == "variables" || k == "env") && v.Kind == yaml.MappingNode:
					for j := 0; j+1 < len(v.Content); j += 2 {
						vars[v.Content[j].Value] = v.Content[j+1].Value
					}
				}
			}
		}
		for _, c := range n.Content {
			walk(c)
		}
	}
	walk(&root)
	var out []schemagateLine
	for _, s := range scripts {
		out = append(out, e.shellLines(name, githubExpr.ReplaceAllString(s.text, "gh-expr"), s.line, vars)...)
	}
	return out
}

func (e *examples) readTerraform(name, dir string, data []byte) {
	f, diags := hclparse.NewParser().ParseHCL(data, name)
	if diags.HasErrors() {
		for _, d := range diags {
			e.problems = append(e.problems, d.Error())
		}
		return
	}
	e.tf = append(e.tf, &tfFile{name: name, dir: dir, body: f.Body.(*hclsyntax.Body)})
}

var dockerInstructions = map[string]bool{
	"FROM": true, "RUN": true, "CMD": true, "LABEL": true, "MAINTAINER": true, "EXPOSE": true,
	"ENV": true, "ADD": true, "COPY": true, "ENTRYPOINT": true, "VOLUME": true, "USER": true,
	"WORKDIR": true, "ARG": true, "ONBUILD": true, "STOPSIGNAL": true, "HEALTHCHECK": true, "SHELL": true,
}

// readDockerfile checks each instruction's keyword and exec-form JSON, and
// takes the schemagate command lines from RUN and from ENTRYPOINT + CMD.
func (e *examples) readDockerfile(name string, data []byte) []schemagateLine {
	vars := map[string]string{}
	e.vars[name] = vars
	var out []schemagateLine
	var entrypoint []string
	lines := strings.Split(string(data), "\n")
	for i := 0; i < len(lines); i++ {
		trimmed := strings.TrimSpace(lines[i])
		if trimmed == "" || strings.HasPrefix(trimmed, "#") {
			continue
		}
		start := i
		text := lines[i]
		// A line ending in a backslash continues; comment lines inside are dropped.
		for strings.HasSuffix(strings.TrimRight(text, " \t"), "\\") && i+1 < len(lines) {
			i++
			if strings.HasPrefix(strings.TrimSpace(lines[i]), "#") {
				text += "\n"
				continue
			}
			text += "\n" + lines[i]
		}
		pos := fmt.Sprintf("%s:%d", name, start+1)
		word, rest, _ := strings.Cut(strings.TrimSpace(text), " ")
		inst := strings.ToUpper(word)
		if !dockerInstructions[inst] {
			e.problem(pos, "unknown instruction %q", word)
			continue
		}
		rest = strings.TrimSpace(rest)
		var exec []string
		if strings.HasPrefix(rest, "[") {
			if err := json.Unmarshal([]byte(rest), &exec); err != nil {
				e.problem(pos, "%s: exec form is not a JSON string array: %v", inst, err)
				continue
			}
		}
		switch inst {
		case "FROM":
			entrypoint = nil
		case "ARG", "ENV":
			for _, kv := range strings.Fields(rest) {
				if k, v, ok := strings.Cut(kv, "="); ok {
					vars[k] = strings.Trim(v, `"'`)
				}
			}
		case "RUN":
			if exec != nil {
				if len(exec) > 0 && path.Base(exec[0]) == "schemagate" {
					out = append(out, schemagateLine{file: name, pos: pos, args: exec[1:]})
				}
				continue
			}
			// The shell sees the instruction's text after the keyword, on the same lines.
			end := strings.Index(text, word) + len(word)
			script := strings.Repeat(" ", end) + text[end:]
			out = append(out, e.shellLines(name, script, start+1, vars)...)
		case "ENTRYPOINT":
			entrypoint = exec
		case "CMD":
			if len(entrypoint) == 1 && path.Base(entrypoint[0]) == "schemagate" && exec != nil {
				out = append(out, schemagateLine{file: name, pos: pos, args: exec})
			}
		}
	}
	return out
}

var fence = regexp.MustCompile("^(```+|~~~+)\\s*([A-Za-z0-9_+-]*)")

// readMarkdown checks the fenced blocks: shell ones for schemagate lines,
// YAML and HCL ones for syntax.
func (e *examples) readMarkdown(name string, data []byte) []schemagateLine {
	var out []schemagateLine
	lines := strings.Split(string(data), "\n")
	for i := 0; i < len(lines); i++ {
		m := fence.FindStringSubmatch(strings.TrimSpace(lines[i]))
		if m == nil {
			continue
		}
		start, lang := i+1, strings.ToLower(m[2])
		var body []string
		closed := false
		for i++; i < len(lines); i++ {
			if strings.HasPrefix(strings.TrimSpace(lines[i]), m[1]) {
				closed = true
				break
			}
			body = append(body, lines[i])
		}
		if !closed {
			e.problem(fmt.Sprintf("%s:%d", name, start), "code block never closed")
			return out
		}
		text := strings.Join(body, "\n") + "\n"
		switch lang {
		case "sh", "shell", "bash":
			out = append(out, e.shellLines(name, text, start+1, nil)...)
		case "yaml", "yml":
			var n yaml.Node
			if err := yaml.Unmarshal([]byte(text), &n); err != nil {
				e.problems = append(e.problems, yamlError(name, start, err))
			}
		case "hcl", "terraform", "tf":
			if _, diags := hclsyntax.ParseConfig([]byte(text), name, hcl.Pos{Line: start + 1, Column: 1}); diags.HasErrors() {
				e.problem(fmt.Sprintf("%s:%d", name, start), "hcl block: %v", diags)
			}
		}
	}
	return out
}

// shellLines finds the schemagate command lines of a shell script that
// starts on line first of file name.
func (e *examples) shellLines(name, script string, first int, vars map[string]string) []schemagateLine {
	cmds, err := splitShell(script, first, func(v string) (string, bool) {
		val, ok := vars[v]
		return val, ok
	})
	if err != nil {
		var se *shellError
		if errors.As(err, &se) {
			e.problem(fmt.Sprintf("%s:%d", name, se.line), "%s", se.msg)
		} else {
			e.problem(fmt.Sprintf("%s:%d", name, first), "%v", err)
		}
		return nil
	}
	var out []schemagateLine
	for _, c := range cmds {
		if args, ok := schemagateArgs(c.words); ok {
			out = append(out, schemagateLine{file: name, pos: fmt.Sprintf("%s:%d", name, c.line), args: args, vars: c.vars})
		}
	}
	return out
}

var shellKeywords = map[string]bool{"if": true, "then": true, "else": true, "elif": true, "do": true, "while": true, "until": true, "!": true, "time": true, "exec": true, "{": true}

var assignment = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*=`)

// schemagateArgs returns the arguments of a simple command that runs
// schemagate, directly or as the entrypoint of `docker run IMAGE`.
func schemagateArgs(words []string) ([]string, bool) {
	for len(words) > 0 && (shellKeywords[words[0]] || assignment.MatchString(words[0])) {
		words = words[1:]
	}
	if len(words) == 0 {
		return nil, false
	}
	if path.Base(words[0]) == "schemagate" {
		return words[1:], true
	}
	if len(words) > 2 && words[0] == "docker" && words[1] == "run" {
		valued := map[string]bool{"-v": true, "--volume": true, "-w": true, "--workdir": true, "-e": true, "--env": true,
			"--env-file": true, "--name": true, "--network": true, "-u": true, "--user": true, "--platform": true,
			"--mount": true, "-p": true, "--publish": true, "-l": true, "--label": true}
		for i := 2; i < len(words); i++ {
			w := words[i]
			switch {
			case w == "--entrypoint" || strings.HasPrefix(w, "--entrypoint="):
				return nil, false
			case valued[w]:
				i++
			case strings.HasPrefix(w, "-"):
			default:
				image := path.Base(w)
				image, _, _ = strings.Cut(image, ":")
				if strings.Contains(image, "schemagate") {
					return words[i+1:], true
				}
				return nil, false
			}
		}
	}
	return nil, false
}

// --- the command lines ----------------------------------------------------------

// checkLine runs a command line through the real command tree: its flag
// parser, its argument validation, and the checks its RunE makes before
// touching git or AWS.
func (e *examples) checkLine(l *schemagateLine) {
	// The example config, or for a checker test's tree without one the real one.
	cfgPath := filepath.Join(e.dir, config.FileName)
	if _, err := os.Stat(cfgPath); err != nil {
		cfgPath = filepath.Join(examplesDir(), config.FileName)
	}
	cmd, err := parseExampleArgs(l.args, cfgPath)
	if cmd != nil {
		l.path = cmd.CommandPath()
		l.flags = map[string]bool{}
		cmd.Flags().Visit(func(f *pflag.Flag) { l.flags[f.Name] = true })
	}
	if err != nil {
		e.problem(l.pos, "schemagate %s: %v", strings.Join(l.args, " "), err)
	}
}

func parseExampleArgs(args []string, configPath string) (*cobra.Command, error) {
	root := NewRoot(IO{In: strings.NewReader(""), Out: io.Discard, Err: io.Discard})
	root.InitDefaultHelpFlag()
	root.InitDefaultVersionFlag()
	cmd, rest, err := root.Find(args)
	if err != nil {
		return nil, err
	}
	cmd.InitDefaultHelpFlag()
	if err := cmd.ParseFlags(rest); err != nil {
		return cmd, err
	}
	if err := cmd.ValidateArgs(cmd.Flags().Args()); err != nil {
		return cmd, err
	}
	if err := cmd.ValidateRequiredFlags(); err != nil {
		return cmd, err
	}
	if err := cmd.ValidateFlagGroups(); err != nil {
		return cmd, err
	}
	if cmd.Flags().Lookup("fail-on") != nil {
		if err := checkCommonFlags(rest, configPath); err != nil {
			return cmd, err
		}
	}
	switch cmd.CommandPath() {
	case "schemagate gate ecs":
		return cmd, checkGateECSFlags(cmd.Flags())
	case "schemagate gate exec":
		if cmd.ArgsLenAtDash() < 0 || len(cmd.Flags().Args()) == 0 {
			return cmd, errors.New("gate exec needs the migration command after --")
		}
	}
	return cmd, nil
}

// checkCommonFlags validates the flags lint, check and gate share with the
// commands' own code (commonFlags.load and friends), reading the example
// config unless the line names another.
func checkCommonFlags(args []string, configPath string) error {
	var c commonFlags
	set := pflag.NewFlagSet("common", pflag.ContinueOnError)
	set.SetOutput(io.Discard)
	set.ParseErrorsAllowlist.UnknownFlags = true
	c.register(set, "error")
	if err := set.Parse(args); err != nil {
		return err
	}
	// examples/ stands for the application's repository root. Always a
	// path, so load never looks upward from the test's working directory.
	if c.configPath == "" {
		c.configPath = configPath
	} else if !filepath.IsAbs(c.configPath) {
		c.configPath = filepath.Join(filepath.Dir(configPath), c.configPath)
	}
	cfg, err := c.load()
	if err != nil {
		return err
	}
	if _, err := c.failLevel(cfg, "error"); err != nil {
		return err
	}
	_, err = c.loadOptions(cfg)
	return err
}

// checkGateECSFlags makes the checks gate ecs's RunE makes before it calls
// AWS.
func checkGateECSFlags(f *pflag.FlagSet) error {
	str := func(name string) string { v, _ := f.GetString(name); return v }
	list := func(name string) []string { v, _ := f.GetStringSlice(name); return v }
	switch {
	case str("cluster") == "" || str("task-definition") == "":
		return errors.New("gate ecs needs --cluster and --task-definition")
	case len(list("subnets")) == 0 || len(list("security-groups")) == 0:
		return errors.New("gate ecs needs --subnets and --security-groups")
	case str("launch-type") != "" && str("capacity-provider") != "":
		return errors.New("--launch-type and --capacity-provider exclude each other")
	case f.Changed("previous") && f.Changed("previous-from-service"):
		return errors.New("--previous and --previous-from-service exclude each other")
	}
	argv, err := splitCommand(str("command"))
	if err != nil {
		return fmt.Errorf("--command: %w", err)
	}
	if len(argv) > 0 && str("container") == "" {
		return errors.New("--command needs --container")
	}
	env, _ := f.GetStringArray("env")
	if _, err := parseEnv(env); err != nil {
		return fmt.Errorf("--env: %w", err)
	}
	return nil
}

// --- a shell, as far as command lines go ------------------------------------------

type shellCmd struct {
	words []string
	line  int
	vars  []string // variables expanded in it
}

type shellError struct {
	line int
	msg  string
}

func (e *shellError) Error() string { return fmt.Sprintf("line %d: %s", e.line, e.msg) }

// splitShell splits a script into simple commands and their words the way
// sh would: quotes, backslashes, line continuations, comments, control
// operators and redirections (dropped). Variables expand to lookup's value,
// else to their default (${V:-d}) or a placeholder; command substitutions to
// a placeholder. first is the line the script starts on.
func splitShell(script string, first int, lookup func(string) (string, bool)) ([]shellCmd, error) {
	sp := &shellSplitter{s: script, line: first, lookup: lookup}
	if err := sp.run(); err != nil {
		return nil, err
	}
	return sp.cmds, nil
}

type shellSplitter struct {
	s      string
	i      int
	line   int
	lookup func(string) (string, bool)

	cmds     []shellCmd
	cur      shellCmd
	word     strings.Builder
	inWord   bool
	dropNext bool // the next word is a redirection's target
}

func (sp *shellSplitter) fail(line int, format string, args ...any) error {
	return &shellError{line: line, msg: fmt.Sprintf(format, args...)}
}

func (sp *shellSplitter) startWord() {
	if !sp.inWord {
		sp.inWord = true
		if len(sp.cur.words) == 0 && !sp.dropNext {
			sp.cur.line = sp.line
		}
	}
}

func (sp *shellSplitter) endWord() {
	if !sp.inWord {
		return
	}
	if sp.dropNext {
		sp.dropNext = false
	} else {
		sp.cur.words = append(sp.cur.words, sp.word.String())
	}
	sp.word.Reset()
	sp.inWord = false
}

func (sp *shellSplitter) endCmd() {
	sp.endWord()
	if len(sp.cur.words) > 0 {
		sp.cmds = append(sp.cmds, sp.cur)
	}
	sp.cur = shellCmd{}
	sp.dropNext = false
}

func (sp *shellSplitter) run() error {
	s := sp.s
	for sp.i < len(s) {
		c := s[sp.i]
		switch {
		case c == '\\' && sp.i+1 < len(s) && s[sp.i+1] == '\n':
			sp.line++
			sp.i += 2
		case c == '\\':
			if sp.i+1 >= len(s) {
				return sp.fail(sp.line, "unterminated escape at the end of the script")
			}
			sp.startWord()
			sp.word.WriteByte(s[sp.i+1])
			sp.i += 2
		case c == '\'':
			start := sp.line
			end := strings.IndexByte(s[sp.i+1:], '\'')
			if end < 0 {
				return sp.fail(start, "unterminated single quote")
			}
			sp.startWord()
			text := s[sp.i+1 : sp.i+1+end]
			sp.word.WriteString(text)
			sp.line += strings.Count(text, "\n")
			sp.i += end + 2
		case c == '"':
			sp.startWord()
			if err := sp.doubleQuoted(); err != nil {
				return err
			}
		case c == '$' || c == '`':
			sp.startWord()
			v, err := sp.expansion()
			if err != nil {
				return err
			}
			sp.word.WriteString(v)
		case c == '#' && !sp.inWord:
			for sp.i < len(s) && s[sp.i] != '\n' {
				sp.i++
			}
		case c == ' ' || c == '\t' || c == '\r':
			sp.endWord()
			sp.i++
		case c == '\n':
			sp.endCmd()
			sp.line++
			sp.i++
		case c == ';' || c == '&' || c == '|' || c == '(' || c == ')':
			sp.endCmd()
			sp.i++
		case c == '<' || c == '>':
			if sp.inWord && strings.Trim(sp.word.String(), "0123456789") == "" {
				sp.word.Reset() // a file descriptor: 2>&1
				sp.inWord = false
			} else {
				sp.endWord()
			}
			if strings.HasPrefix(s[sp.i:], "<<") && !strings.HasPrefix(s[sp.i:], "<<<") {
				return sp.fail(sp.line, "here-documents are not supported in examples")
			}
			for sp.i < len(s) && strings.IndexByte("<>&|", s[sp.i]) >= 0 {
				sp.i++
			}
			sp.dropNext = true
		default:
			sp.startWord()
			sp.word.WriteByte(c)
			sp.i++
		}
	}
	sp.endCmd()
	return nil
}

func (sp *shellSplitter) doubleQuoted() error {
	s, start := sp.s, sp.line
	sp.i++ // the opening quote
	for sp.i < len(s) {
		c := s[sp.i]
		switch {
		case c == '"':
			sp.i++
			return nil
		case c == '\\' && sp.i+1 < len(s) && s[sp.i+1] == '\n':
			sp.line++
			sp.i += 2
		case c == '\\' && sp.i+1 < len(s) && strings.IndexByte("$`\"\\", s[sp.i+1]) >= 0:
			sp.word.WriteByte(s[sp.i+1])
			sp.i += 2
		case c == '$' || c == '`':
			v, err := sp.expansion()
			if err != nil {
				return err
			}
			sp.word.WriteString(v)
		default:
			if c == '\n' {
				sp.line++
			}
			sp.word.WriteByte(c)
			sp.i++
		}
	}
	return sp.fail(start, "unterminated double quote")
}

var shellName = regexp.MustCompile(`^([A-Za-z_][A-Za-z0-9_]*|[0-9]|[@*#?$!-])`)

// expansion reads $NAME, ${...}, $(...), $((...)) or `...` at sp.i and
// returns what it stands for.
func (sp *shellSplitter) expansion() (string, error) {
	s, start := sp.s, sp.line
	if s[sp.i] == '`' {
		end := strings.IndexByte(s[sp.i+1:], '`')
		if end < 0 {
			return "", sp.fail(start, "unterminated backquote")
		}
		sp.line += strings.Count(s[sp.i+1:sp.i+1+end], "\n")
		sp.i += end + 2
		return "command-output", nil
	}
	rest := s[sp.i+1:]
	switch {
	case strings.HasPrefix(rest, "("):
		body, err := sp.matching('(', ')')
		if err != nil {
			return "", err
		}
		if strings.HasPrefix(body, "(") {
			return "0", nil // arithmetic
		}
		return "command-output", nil
	case strings.HasPrefix(rest, "{"):
		body, err := sp.matching('{', '}')
		if err != nil {
			return "", err
		}
		return sp.parameter(body), nil
	}
	name := shellName.FindString(rest)
	if name == "" {
		sp.i++
		return "$", nil
	}
	sp.i += 1 + len(name)
	return sp.value(name), nil
}

// matching consumes an opening bracket at sp.i+1 and everything up to its
// match, and returns what is between them.
func (sp *shellSplitter) matching(open, closing byte) (string, error) {
	s, start := sp.s, sp.line
	depth := 0
	quote := byte(0)
	for j := sp.i + 1; j < len(s); j++ {
		c := s[j]
		switch {
		case c == '\n':
			sp.line++
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '\'' || c == '"':
			quote = c
		case c == '\\':
			j++
		case c == open:
			depth++
		case c == closing:
			depth--
			if depth == 0 {
				body := s[sp.i+2 : j]
				sp.i = j + 1
				return body, nil
			}
		}
	}
	return "", sp.fail(start, "unterminated $%c", open)
}

// parameter expands the inside of ${...}.
func (sp *shellSplitter) parameter(body string) string {
	if strings.HasPrefix(body, "#") && len(body) > 1 {
		sp.cur.vars = append(sp.cur.vars, body[1:])
		return "0" // a length
	}
	name := shellName.FindString(body)
	op := body[len(name):]
	val, ok := sp.lookupVar(name)
	for _, d := range []string{":-", "-", ":=", "="} {
		if def, found := strings.CutPrefix(op, d); found {
			if !ok {
				return strings.Trim(def, `"'`)
			}
			return val
		}
	}
	if !ok {
		return shellPlaceholder(name)
	}
	return val // ${V%%/*} and the like: close enough for flag values
}

func (sp *shellSplitter) value(name string) string {
	if v, ok := sp.lookupVar(name); ok {
		return v
	}
	return shellPlaceholder(name)
}

func (sp *shellSplitter) lookupVar(name string) (string, bool) {
	sp.cur.vars = append(sp.cur.vars, name)
	if sp.lookup == nil {
		return "", false
	}
	return sp.lookup(name)
}

// shellPlaceholder stands for a variable the example does not define: any
// string flag accepts it; a typed flag fed from one shows up as an error.
func shellPlaceholder(name string) string { return "example-" + strings.ToLower(name) }

// --- Terraform ----------------------------------------------------------------------

func tfPos(r hcl.Range) string { return fmt.Sprintf("%s:%d", r.Filename, r.Start.Line) }

type tfBlock struct {
	file  *tfFile
	block *hclsyntax.Block
}

// resources returns the top-level blocks of a type ("resource", "data")
// whose first label is kind.
func (e *examples) resources(typ, kind string) []tfBlock {
	var out []tfBlock
	for _, f := range e.tf {
		for _, b := range f.body.Blocks {
			if b.Type == typ && len(b.Labels) == 2 && b.Labels[0] == kind {
				out = append(out, tfBlock{f, b})
			}
		}
	}
	return out
}

// tfRefName returns NAME from an expression referring to KIND.NAME (or, for
// data sources, data.KIND.NAME), "" when it refers to none.
func tfRefName(expr hclsyntax.Expression, kind string) string {
	for _, tr := range expr.Variables() {
		var names []string
		for _, step := range tr {
			switch s := step.(type) {
			case hcl.TraverseRoot:
				names = append(names, s.Name)
			case hcl.TraverseAttr:
				names = append(names, s.Name)
			}
		}
		switch {
		case len(names) >= 2 && names[0] == kind:
			return names[1]
		case len(names) >= 3 && names[0] == "data" && names[1] == kind:
			return names[2]
		}
	}
	return ""
}

// tfLiteral evaluates an expression that needs no context.
func tfLiteral(expr hclsyntax.Expression) (string, bool) {
	v, diags := expr.Value(nil)
	if diags.HasErrors() || !v.IsWhollyKnown() || v.IsNull() || v.Type() != cty.String {
		return "", false
	}
	return v.AsString(), true
}

// locals returns the locals every file defines that evaluate without
// context (lists of action names, say).
func (e *examples) locals() map[string]cty.Value {
	out := map[string]cty.Value{}
	for _, f := range e.tf {
		for _, b := range f.body.Blocks {
			if b.Type != "locals" {
				continue
			}
			for name, a := range b.Body.Attributes {
				if v, diags := a.Expr.Value(nil); !diags.HasErrors() && v.IsWhollyKnown() {
					out[name] = v
				}
			}
		}
	}
	return out
}

type iamStatement struct {
	pos       string
	actions   []string
	resources []string // "" for one computed at apply time
}

// policyDocuments reads every aws_iam_policy_document's Allow statements.
// Actions must be literal (or a literal local) for the test to see them.
func (e *examples) policyDocuments(problems *[]string) map[string][]iamStatement {
	ctx := &hcl.EvalContext{Variables: map[string]cty.Value{"local": cty.ObjectVal(e.locals())}}
	docs := map[string][]iamStatement{}
	for _, d := range e.resources("data", "aws_iam_policy_document") {
		name := d.block.Labels[1]
		docs[name] = nil
		for _, b := range d.block.Body.Blocks {
			if b.Type == "dynamic" {
				*problems = append(*problems, tfPos(b.DefRange())+": a dynamic block in a policy document hides its statements from this test")
				continue
			}
			if b.Type != "statement" {
				continue
			}
			st := iamStatement{pos: tfPos(b.DefRange())}
			attrs := b.Body.Attributes
			if a, ok := attrs["effect"]; ok {
				if v, _ := tfLiteral(a.Expr); v == "Deny" {
					continue
				}
			}
			for _, banned := range []string{"not_actions", "not_resources"} {
				if a, ok := attrs[banned]; ok {
					*problems = append(*problems, tfPos(a.SrcRange)+": "+banned+" grants what it does not name")
				}
			}
			a, ok := attrs["actions"]
			if !ok {
				*problems = append(*problems, st.pos+": a statement without actions")
				continue
			}
			v, diags := a.Expr.Value(ctx)
			if diags.HasErrors() || !v.IsWhollyKnown() || !v.CanIterateElements() {
				*problems = append(*problems, tfPos(a.SrcRange)+": actions must be a literal list (or a literal local) for this test to read them")
				continue
			}
			for it := v.ElementIterator(); it.Next(); {
				_, el := it.Element()
				if el.Type() == cty.String {
					st.actions = append(st.actions, el.AsString())
				}
			}
			if r, ok := attrs["resources"]; ok {
				if tuple, ok := r.Expr.(*hclsyntax.TupleConsExpr); ok {
					for _, el := range tuple.Exprs {
						s, _ := tfLiteral(el)
						st.resources = append(st.resources, s)
					}
				} else {
					st.resources = []string{""}
				}
			}
			docs[name] = append(docs[name], st)
		}
	}
	return docs
}

type tfProject struct {
	pos       string
	role      string
	buildspec string   // as shown, when the buildspec is file(...)
	env       []string // environment_variable names
}

// codebuildProjects reads every aws_codebuild_project: its role, its
// buildspec file and its environment variables.
func (e *examples) codebuildProjects() map[string]*tfProject {
	out := map[string]*tfProject{}
	for _, r := range e.resources("resource", "aws_codebuild_project") {
		p := &tfProject{pos: tfPos(r.block.DefRange())}
		out[r.block.Labels[1]] = p
		if a, ok := r.block.Body.Attributes["service_role"]; ok {
			p.role = tfRefName(a.Expr, "aws_iam_role")
		}
		for _, b := range r.block.Body.Blocks {
			switch b.Type {
			case "source":
				if a, ok := b.Body.Attributes["buildspec"]; ok {
					p.buildspec = e.fileArg(r.file, a.Expr)
				}
			case "environment":
				for _, ev := range b.Body.Blocks {
					if a, ok := ev.Body.Attributes["name"]; ev.Type == "environment_variable" && ok {
						if n, ok := tfLiteral(a.Expr); ok {
							p.env = append(p.env, n)
						}
					}
				}
			}
		}
	}
	return out
}

// fileArg resolves file("${path.module}/...") to the file's shown name.
func (e *examples) fileArg(f *tfFile, expr hclsyntax.Expression) string {
	call, ok := expr.(*hclsyntax.FunctionCallExpr)
	if !ok || call.Name != "file" || len(call.Args) != 1 {
		return ""
	}
	ctx := &hcl.EvalContext{Variables: map[string]cty.Value{
		"path": cty.ObjectVal(map[string]cty.Value{"module": cty.StringVal(f.dir)}),
	}}
	v, diags := call.Args[0].Value(ctx)
	if diags.HasErrors() || v.Type() != cty.String {
		return ""
	}
	rel, err := filepath.Rel(filepath.Dir(e.dir), filepath.Clean(v.AsString()))
	if err != nil {
		return ""
	}
	return filepath.ToSlash(rel)
}

// gateProjects returns the CodeBuild projects whose buildspec runs gate ecs.
func (e *examples) gateProjects() map[string]*tfProject {
	files := map[string]bool{}
	for _, l := range e.lines {
		if l.path == "schemagate gate ecs" {
			files[l.file] = true
		}
	}
	out := map[string]*tfProject{}
	for name, p := range e.codebuildProjects() {
		if files[p.buildspec] {
			out[name] = p
		}
	}
	return out
}

// gateCalls says which AWS calls gate ecs makes, given the flags the
// buildspec passes it: what the project's role must be granted, and
// nothing more.
func (e *examples) gateCalls(buildspec string) map[string]string {
	calls := map[string]string{
		"ecs:DescribeTaskDefinition": "the migration task definition's containers and log options",
		"ecs:RunTask":                "the migration",
		"ecs:TagResource":            "RunTask carries the schemagate:* tags",
		"ecs:DescribeTasks":          "waiting for the verdict",
		"iam:PassRole":               "RunTask passes the task definition's roles",
		"logs:GetLogEvents":          "streaming the migration's output",
		"logs:FilterLogEvents":       "telling a missing log group from a stream not written yet",
	}
	for _, l := range e.lines {
		if l.path != "schemagate gate ecs" || l.file != buildspec {
			continue
		}
		if l.flags["previous-from-service"] {
			calls["ecs:DescribeServices"] = "--previous-from-service"
		}
		if l.flags["stop-on-cancel"] {
			calls["ecs:StopTask"] = "--stop-on-cancel"
		}
	}
	return calls
}

// gateRelevant says whether an action is in the gate's territory: ECS, IAM,
// or reading logs. CodeBuild writing its own log stream is not.
func gateRelevant(action string) bool {
	switch action {
	case "logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents":
		return false
	}
	return strings.HasPrefix(action, "ecs:") || strings.HasPrefix(action, "iam:") || strings.HasPrefix(action, "logs:")
}

// roleActions returns every action the inline policies of role grant,
// with the statements that grant them.
func (e *examples) roleActions(role string, problems *[]string) map[string][]iamStatement {
	docs := e.policyDocuments(problems)
	out := map[string][]iamStatement{}
	for _, kind := range []string{"aws_iam_role_policy_attachment", "aws_iam_policy_attachment"} {
		for _, r := range e.resources("resource", kind) {
			for _, attr := range []string{"role", "roles"} {
				if a, ok := r.block.Body.Attributes[attr]; ok && tfRefName(a.Expr, "aws_iam_role") == role {
					*problems = append(*problems, tfPos(r.block.DefRange())+": a managed policy on role "+role+": keep its permissions in inline documents this test can read")
				}
			}
		}
	}
	for _, r := range e.resources("resource", "aws_iam_role") {
		if r.block.Labels[1] != role {
			continue
		}
		if a, ok := r.block.Body.Attributes["managed_policy_arns"]; ok {
			*problems = append(*problems, tfPos(a.SrcRange)+": managed policies on role "+role+" hide its permissions from this test")
		}
	}
	for _, r := range e.resources("resource", "aws_iam_role_policy") {
		attrs := r.block.Body.Attributes
		if a, ok := attrs["role"]; !ok || tfRefName(a.Expr, "aws_iam_role") != role {
			continue
		}
		a, ok := attrs["policy"]
		doc := ""
		if ok {
			doc = tfRefName(a.Expr, "aws_iam_policy_document")
		}
		statements, known := docs[doc]
		if !known {
			*problems = append(*problems, tfPos(r.block.DefRange())+": the policy of role "+role+" is not an aws_iam_policy_document this test can read")
			continue
		}
		for _, st := range statements {
			for _, act := range st.actions {
				out[act] = append(out[act], st)
			}
		}
	}
	return out
}

// gatePermissions checks that the role of every CodeBuild project running
// gate ecs grants exactly the calls the gate makes, named one by one and
// scoped. It returns the gate's actions the role grants, sorted.
func (e *examples) gatePermissions() ([]string, []string) {
	var problems []string
	projects := e.gateProjects()
	if len(projects) == 0 {
		return nil, []string{"no aws_codebuild_project has a buildspec (file(...)) that runs schemagate gate ecs"}
	}
	granted := map[string]bool{}
	for name, p := range projects {
		calls := e.gateCalls(p.buildspec)
		if p.role == "" {
			problems = append(problems, p.pos+": project "+name+": service_role is not an aws_iam_role of these files")
			continue
		}
		actions := e.roleActions(p.role, &problems)
		for act, sts := range actions {
			for _, st := range sts {
				if strings.ContainsAny(act, "*?") {
					problems = append(problems, fmt.Sprintf("%s: grants %q: name each action the gate calls", st.pos, act))
					continue
				}
				if !gateRelevant(act) {
					continue
				}
				if _, ok := calls[act]; !ok {
					problems = append(problems, fmt.Sprintf("%s: role %s grants %s, which gate ecs does not call with the examples' flags", st.pos, p.role, act))
					continue
				}
				// DescribeTaskDefinition has no resource-level permissions.
				if slices.Contains(st.resources, "*") && act != "ecs:DescribeTaskDefinition" {
					problems = append(problems, fmt.Sprintf("%s: role %s grants %s on \"*\": scope it to the cluster, service, task family, roles or log group", st.pos, p.role, act))
				}
				granted[act] = true
			}
		}
		for act, why := range calls {
			if _, ok := actions[act]; !ok {
				problems = append(problems, fmt.Sprintf("%s: project %s: role %s lacks %s, which gate ecs calls (%s)", p.pos, name, p.role, act, why))
			}
		}
	}
	var out []string
	for act := range granted {
		out = append(out, act)
	}
	sort.Strings(out)
	sort.Strings(problems)
	return out, problems
}

type tfAction struct {
	pos      string
	stage    int
	provider string
	inputs   []string
	outputs  []string
	config   map[string]hclsyntax.Expression
}

// pipelineActions reads the stages of every aws_codepipeline in order.
func (e *examples) pipelineActions() []tfAction {
	var out []tfAction
	strs := func(a *hclsyntax.Attribute) []string {
		var list []string
		if tuple, ok := a.Expr.(*hclsyntax.TupleConsExpr); ok {
			for _, el := range tuple.Exprs {
				if s, ok := tfLiteral(el); ok {
					list = append(list, s)
				}
			}
		}
		return list
	}
	for _, p := range e.resources("resource", "aws_codepipeline") {
		stage := 0
		for _, sb := range p.block.Body.Blocks {
			if sb.Type != "stage" {
				continue
			}
			stage++
			for _, ab := range sb.Body.Blocks {
				if ab.Type != "action" {
					continue
				}
				act := tfAction{pos: tfPos(ab.DefRange()), stage: stage, config: map[string]hclsyntax.Expression{}}
				attrs := ab.Body.Attributes
				if a, ok := attrs["provider"]; ok {
					act.provider, _ = tfLiteral(a.Expr)
				}
				if a, ok := attrs["input_artifacts"]; ok {
					act.inputs = strs(a)
				}
				if a, ok := attrs["output_artifacts"]; ok {
					act.outputs = strs(a)
				}
				if a, ok := attrs["configuration"]; ok {
					if obj, ok := a.Expr.(*hclsyntax.ObjectConsExpr); ok {
						for _, item := range obj.Items {
							act.config[hcl.ExprAsKeyword(item.KeyExpr)] = item.ValueExpr
						}
					}
				}
				out = append(out, act)
			}
		}
	}
	return out
}

// actionEnvNames reads the names of a CodeBuild action's
// EnvironmentVariables = jsonencode([{ name = ... }]).
func actionEnvNames(expr hclsyntax.Expression) []string {
	call, ok := expr.(*hclsyntax.FunctionCallExpr)
	if !ok || call.Name != "jsonencode" || len(call.Args) != 1 {
		return nil
	}
	tuple, ok := call.Args[0].(*hclsyntax.TupleConsExpr)
	if !ok {
		return nil
	}
	var names []string
	for _, el := range tuple.Exprs {
		obj, ok := el.(*hclsyntax.ObjectConsExpr)
		if !ok {
			continue
		}
		for _, item := range obj.Items {
			if hcl.ExprAsKeyword(item.KeyExpr) == "name" {
				if n, ok := tfLiteral(item.ValueExpr); ok {
					names = append(names, n)
				}
			}
		}
	}
	return names
}

// codebuildBuiltins are the variables CodeBuild sets in every build.
var codebuildBuiltins = []string{"AWS_REGION", "AWS_DEFAULT_REGION", "HOME", "PATH"}

// pipelineProblems checks the pipeline around the gate: the Migrate action
// sits after the stage that builds the deploy's input and before the
// deploy; its source is a git clone the role may clone; every variable the
// gate line reads is set by the buildspec, the project or the action.
func (e *examples) pipelineProblems() []string {
	var problems []string
	projects := e.gateProjects()
	actions := e.pipelineActions()
	if len(actions) == 0 {
		return []string{"no aws_codepipeline with stages in the Terraform examples"}
	}
	for name, p := range projects {
		var migrate *tfAction
		for i := range actions {
			if pn, ok := actions[i].config["ProjectName"]; ok && tfRefName(pn, "aws_codebuild_project") == name {
				migrate = &actions[i]
			}
		}
		if migrate == nil {
			problems = append(problems, p.pos+": no pipeline action runs project "+name)
			continue
		}
		produces := map[string]tfAction{}
		for _, a := range actions {
			for _, o := range a.outputs {
				produces[o] = a
			}
		}
		for _, a := range actions {
			if !strings.HasPrefix(a.provider, "CodeDeploy") && a.provider != "ECS" {
				continue
			}
			if a.stage <= migrate.stage {
				problems = append(problems, fmt.Sprintf("%s: the deploy runs in stage %d, not after the migration (stage %d)", a.pos, a.stage, migrate.stage))
			}
			for _, in := range a.inputs {
				if b, ok := produces[in]; ok && b.stage >= migrate.stage {
					problems = append(problems, fmt.Sprintf("%s: the migration (stage %d) runs before the build of %s (stage %d)", migrate.pos, migrate.stage, in, b.stage))
				}
			}
		}
		// The source: a git clone, and the role may clone it. (Problems
		// with the role's documents are gatePermissions' to report.)
		var reported []string
		roleActions := e.roleActions(p.role, &reported)
		for _, in := range migrate.inputs {
			src, ok := produces[in]
			if !ok || (src.provider != "CodeStarSourceConnection" && src.provider != "CodeCommit") {
				continue
			}
			format := ""
			if f, ok := src.config["OutputArtifactFormat"]; ok {
				format, _ = tfLiteral(f)
			}
			if format != "CODEBUILD_CLONE_REF" {
				problems = append(problems, src.pos+`: the gate reads the deployed release from git: OutputArtifactFormat = "CODEBUILD_CLONE_REF"`)
			}
			need := []string{"codestar-connections:UseConnection", "codeconnections:UseConnection"}
			if src.provider == "CodeCommit" {
				need = []string{"codecommit:GitPull"}
			}
			if !slices.ContainsFunc(need, func(a string) bool { return len(roleActions[a]) > 0 }) {
				problems = append(problems, fmt.Sprintf("%s: role %s cannot clone the %s source: it needs %s", p.pos, p.role, src.provider, strings.Join(need, " or ")))
			}
		}
		// Every variable the gate line reads is set somewhere.
		defined := map[string]bool{}
		for _, n := range slices.Concat(p.env, codebuildBuiltins, actionEnvNames(migrate.config["EnvironmentVariables"])) {
			defined[n] = true
		}
		for n := range e.vars[p.buildspec] {
			defined[n] = true
		}
		for _, l := range e.lines {
			if l.file != p.buildspec || l.path != "schemagate gate ecs" {
				continue
			}
			for _, v := range l.vars {
				if !defined[v] && !strings.HasPrefix(v, "CODEBUILD_") {
					problems = append(problems, fmt.Sprintf("%s: $%s is set neither by the buildspec, project %s nor its pipeline action", l.pos, v, name))
				}
			}
		}
	}
	return problems
}
