package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
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
	"github.com/schemagate/schemagate/internal/migrations/migration"
	"github.com/schemagate/schemagate/internal/snapshot"
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
	if len(ex.files) < 9 {
		t.Errorf("read %d example files, want every one of them: %v", len(ex.files), ex.files)
	}

	count := map[string]int{}
	for _, l := range ex.lines {
		count[l.path]++
		t.Logf("%s (%s)", l, l.path)
	}
	for _, want := range []string{"schemagate gate ecs", "schemagate check", "schemagate snapshot"} {
		if count[want] == 0 {
			t.Errorf("no example runs %q (lines found: %v)", want, count)
		}
	}

	for _, p := range ex.pipelineProblems() {
		t.Error(p)
	}
	perms, problems := ex.permissions()
	for _, p := range problems {
		t.Error(p)
	}
	// The flags the buildspecs use decide the optional permissions; the
	// gate uses --previous-from-service, --stop-on-cancel and
	// --previous-snapshot-from, so the full list is granted.
	want := map[string][]string{
		"migrate": {
			"ecs:DescribeServices", "ecs:DescribeTaskDefinition", "ecs:DescribeTasks", "ecs:RunTask",
			"ecs:StopTask", "ecs:TagResource", "iam:PassRole", "logs:FilterLogEvents", "logs:GetLogEvents",
			"s3:GetObject", "s3:ListBucket",
		},
		"build": {"s3:PutObject"},
	}
	if diff := cmp.Diff(want, perms); diff != "" {
		t.Errorf("each role's permissions in schemagate's territory (-want +got):\n%s", diff)
	}

	// The flow itself: the build takes the snapshot, uploads it and exports
	// it with the config; the Migrate action takes that output and nothing
	// else, and its gate reads both releases from snapshots, the running
	// ones where the build uploads them. (aws_s3_bucket.snapshots is
	// tf-snapshots to this test; "shop" is snapshot_prefix's default.)
	flows, problems := ex.releaseFlows(ex.pipelineActions())
	for _, p := range problems {
		t.Error(p)
	}
	type flowFacts struct {
		Project, Buildspec  string
		Inputs, Sources     []string
		Gate                map[string]string
		Producer, BuildSpec string
		Snapshot            map[string]string
		Exported            []string
	}
	pick := func(l schemagateLine, names ...string) map[string]string {
		out := map[string]string{}
		for _, n := range names {
			if l.flags[n] {
				out[n] = l.values[n]
			}
		}
		return out
	}
	var got []flowFacts
	for _, f := range flows {
		facts := flowFacts{
			Project: f.project, Buildspec: f.p.buildspec, Inputs: f.action.inputs, Sources: f.sources,
			Gate:     pick(f.gate, "new-snapshot", "previous-from-service", "revision-from", "previous-snapshot-from", "previous", "if-previous-missing"),
			Producer: f.producerName,
		}
		if f.producerProject != nil {
			facts.BuildSpec = f.producerProject.buildspec
			for _, file := range []string{f.gate.values["new-snapshot"], config.FileName} {
				if file != "" && ex.exports(f.producerProject.buildspec, file) {
					facts.Exported = append(facts.Exported, file)
				}
			}
		}
		for _, l := range f.snapshots {
			facts.Snapshot = pick(l, "rev", "revision", "output", "upload")
		}
		got = append(got, facts)
	}
	wantFlows := []flowFacts{{
		Project:   "migrate",
		Buildspec: "examples/aws/buildspec-migrate.yml",
		Inputs:    []string{"BuildOutput"},
		Gate: map[string]string{
			"new-snapshot":           "snapshot.json.gz",
			"previous-from-service":  "var-ecs_service_name",
			"revision-from":          "tag",
			"previous-snapshot-from": "s3://tf-snapshots/shop/",
		},
		Producer:  "build",
		BuildSpec: "examples/aws/buildspec-build.yml",
		// The revision is $IMAGE_TAG, which the buildspec assigns.
		Snapshot: map[string]string{"revision": "example-image-tag", "output": "snapshot.json.gz", "upload": "s3://tf-snapshots/shop/"},
		Exported: []string{"snapshot.json.gz", "schemagate.yaml"},
	}}
	if diff := cmp.Diff(wantFlows, got); diff != "" {
		t.Errorf("the release flow of the pipeline (-want +got):\n%s", diff)
	}
}

// The full-clone alternative the README describes holds together too: the
// Migrate stage takes a clone, reads the running release from git, and its
// role may clone and no longer reads snapshots.
func TestExamplesGitVariant(t *testing.T) {
	dir := copyExamples(t)
	gitVariant(t, dir)
	ex := loadExamples(dir)
	perms, problems := ex.permissions()
	for _, p := range slices.Concat(ex.problems, problems, ex.pipelineProblems()) {
		t.Error(p)
	}
	want := map[string][]string{
		"migrate": {
			"ecs:DescribeServices", "ecs:DescribeTaskDefinition", "ecs:DescribeTasks", "ecs:RunTask",
			"ecs:StopTask", "ecs:TagResource", "iam:PassRole", "logs:FilterLogEvents", "logs:GetLogEvents",
		},
		"build": {"s3:PutObject"},
	}
	if diff := cmp.Diff(want, perms); diff != "" {
		t.Errorf("each role's permissions in schemagate's territory (-want +got):\n%s", diff)
	}
	flows, _ := ex.releaseFlows(ex.pipelineActions())
	if len(flows) != 1 || flows[0].p.buildspec != "examples/aws/buildspec-migrate-git.yml" || !slices.Equal(flows[0].sources, []string{"SourceOutput"}) {
		t.Errorf("the git variant's Migrate stage should run buildspec-migrate-git.yml on the source: %+v", flows)
	}
}

// gitVariant turns a copy of the examples into the full-clone alternative,
// with the edits the README lists: the Source action hands over a clone, the
// Migrate action takes it and runs buildspec-migrate-git.yml, its role may
// clone through the connection instead of reading snapshots, and so may the
// build's, which is handed the clone too.
func gitVariant(t *testing.T, dir string) {
	t.Helper()
	edit := func(file string, change func(string) string) {
		p := filepath.Join(dir, filepath.FromSlash(file))
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(change(string(data))), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	replace := func(s, old, new string) string {
		if strings.Count(s, old) != 1 {
			t.Fatalf("the examples no longer contain %q once: update gitVariant and the README", old)
		}
		return strings.Replace(s, old, new, 1)
	}
	edit("aws/terraform/main.tf", func(s string) string {
		s = replace(s, "        BranchName       = var.branch\n      }",
			"        BranchName           = var.branch\n        OutputArtifactFormat = \"CODEBUILD_CLONE_REF\"\n      }")
		s = replace(s, "input_artifacts = [\"BuildOutput\"]\n\n      configuration = {\n        ProjectName = aws_codebuild_project.migrate.name",
			"input_artifacts = [\"SourceOutput\"]\n\n      configuration = {\n        ProjectName = aws_codebuild_project.migrate.name")
		return replace(s, "/../buildspec-migrate.yml\")", "/../buildspec-migrate-git.yml\")")
	})
	edit("aws/terraform/iam.tf", func(s string) string {
		s = dropStatement(t, s, "ReadReleaseSnapshots")
		s = dropStatement(t, s, "TellMissingSnapshotFromDenied")
		clone := "  statement {\n    sid       = \"CloneThroughConnection\"\n    actions   = local.connection_actions\n    resources = [var.connection_arn]\n  }\n\n"
		for _, doc := range []string{"migrate_codebuild", "build"} {
			header := "data \"aws_iam_policy_document\" \"" + doc + "\" {\n"
			s = replace(s, header, header+clone)
		}
		return s
	})
}

// dropStatement removes the policy statement with sid from Terraform text.
func dropStatement(t *testing.T, tf, sid string) string {
	t.Helper()
	i := strings.Index(tf, "sid       = \""+sid+"\"")
	start := strings.LastIndex(tf[:max(i, 0)], "  statement {\n")
	end := strings.Index(tf[max(i, 0):], "\n  }\n")
	if i < 0 || start < 0 || end < 0 {
		t.Fatalf("no statement %s in the examples: update this test", sid)
	}
	return tf[:start] + tf[i+end+len("\n  }\n"):]
}

func TestExampleConfigLoads(t *testing.T) {
	p := filepath.Join(examplesDir(), "schemagate.yaml")
	cfg, err := config.Load(p)
	if err != nil {
		t.Fatal(err)
	}
	var post []string
	for _, d := range cfg.Migrations {
		if _, err := migration.ParseFormat(d.Format); err != nil {
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
			name:  "snapshot prefix without its slash",
			files: map[string]string{"README.md": "```sh\nschemagate snapshot -o s.json.gz \\\n  --upload s3://snaps/shop\n```\n"},
			want:  []string{"examples/README.md:2:", "--upload: s3://snaps/shop: a snapshot prefix must end in /"},
		},
		{
			name:  "bucket name",
			files: map[string]string{"bs.yml": buildspec(gate + " \\\n  --previous-snapshot-from s3://Snaps_1/shop/")},
			want:  []string{"examples/bs.yml:10:", `--previous-snapshot-from: s3://Snaps_1/shop/: bucket name "Snaps_1"`},
		},
		{
			name:  "emergency valve misspelled",
			files: map[string]string{"bs.yml": buildspec(gate + " \\\n  --if-previous-missing skip")},
			want:  []string{"examples/bs.yml:10:", `--if-previous-missing "skip": want fail or lint`},
		},
		{
			name:  "releases named twice",
			files: map[string]string{"bs.yml": buildspec(gate + " \\\n  --previous-snapshot prev.json.gz --previous-from-service web")},
			want:  []string{"examples/bs.yml:10:", "--previous-snapshot names the releases itself"},
		},
		{
			name:  "snapshot revision",
			files: map[string]string{"README.md": "```sh\nschemagate snapshot --revision 'release 7' --upload s3://snaps/shop/\n```\n"},
			want:  []string{"examples/README.md:2:", `--revision: revision "release 7"`},
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
// buildspecs set up together: each must be caught, at its file and line.
func TestExamplesCheckerCatchesBrokenPipeline(t *testing.T) {
	const (
		iam       = "aws/terraform/iam.tf"
		main      = "aws/terraform/main.tf"
		build     = "aws/buildspec-build.yml"
		migrate   = "aws/buildspec-migrate.yml"
		migrateIn = "input_artifacts = [\"BuildOutput\"]\n\n      configuration = {\n        ProjectName = aws_codebuild_project.migrate.name"
		listGrant = "actions   = [\"s3:ListBucket\"]\n    resources = [aws_s3_bucket.snapshots.arn]\n"
		putGrant  = "actions   = [\"s3:PutObject\"]\n    resources = [local.snapshot_objects_arn]"
	)
	gateLine := lineOf(t, migrate, "schemagate gate ecs")
	snapshotLine := lineOf(t, build, "schemagate snapshot")
	cases := []struct {
		name     string
		file     string
		old, new string
		want     []string            // nil: no problem at all
		edit     func(string) string // when old is ""
		git      bool                // on the full-clone variant
	}{
		{name: "extra action", file: iam,
			old: `actions   = ["ecs:DescribeServices"]`, new: `actions   = ["ecs:DescribeServices", "ecs:ListTasks"]`,
			want: []string{"examples/aws/terraform/iam.tf:", "grants ecs:ListTasks, which gate ecs does not call"}},
		{name: "missing action", file: iam,
			old: `actions   = ["ecs:DescribeTasks", "ecs:StopTask"]`, new: `actions   = ["ecs:DescribeTasks"]`,
			want: []string{"examples/aws/terraform/main.tf:", "lacks ecs:StopTask, which gate ecs calls (--stop-on-cancel)"}},
		{name: "wildcard", file: iam,
			old: `actions   = ["logs:GetLogEvents"]`, new: `actions   = ["logs:Get*"]`,
			want: []string{"examples/aws/terraform/iam.tf:", `grants "logs:Get*"`}},
		{name: "unscoped", file: iam,
			old: `resources = [local.service_arn]`, new: `resources = ["*"]`,
			want: []string{"examples/aws/terraform/iam.tf:", `ecs:DescribeServices on "*"`}},
		{name: "flag dropped, permission left", file: migrate,
			old: "--stop-on-cancel \\\n", new: "",
			want: []string{"examples/aws/terraform/iam.tf:", "grants ecs:StopTask, which gate ecs does not call"}},
		{name: "variable nobody sets", file: main,
			old: `name  = "ECS_SERVICE"`, new: `name  = "SERVICE"`,
			want: []string{gateLine + ": $ECS_SERVICE is set neither"}},
		{name: "migrate after deploy", file: main, edit: moveMigrateStageLast,
			want: []string{"examples/aws/terraform/main.tf:", "the deploy runs in stage 3, not after the migration (stage 4)"}},

		// The snapshot flow.
		{name: "snapshot not exported", file: build,
			old: "    - snapshot.json.gz\n", new: "",
			want: []string{gateLine + ": --new-snapshot snapshot.json.gz is not in the artifacts of examples/aws/buildspec-build.yml (project build, output BuildOutput)"}},
		{name: "config not exported", file: build,
			old: "    - schemagate.yaml\n", new: "",
			want: []string{gateLine + ": the gate reads schemagate.yaml from its working directory, the build output"}},
		{name: "snapshot written under another name", file: build,
			old: "-o snapshot.json.gz", new: "-o release.json.gz",
			want: []string{gateLine + ": --new-snapshot snapshot.json.gz: examples/aws/buildspec-build.yml writes no such file"}},
		{name: "uploaded elsewhere", file: build,
			old: `--upload "s3://$SNAPSHOT_BUCKET/$SNAPSHOT_PREFIX/"`, new: `--upload "s3://$SNAPSHOT_BUCKET/snapshots/"`,
			want: []string{
				gateLine + ": the gate reads snapshots from s3://tf-snapshots/shop/, but examples/aws/buildspec-build.yml uploads them to [s3://tf-snapshots/snapshots/]",
				"role build lacks s3:PutObject on arn:aws:s3:::tf-snapshots/snapshots/*, which snapshot calls",
			}},
		{name: "source checkout", file: main,
			old: migrateIn, new: strings.Replace(migrateIn, `["BuildOutput"]`, `["SourceOutput", "BuildOutput"]`, 1),
			want: []string{"examples/aws/terraform/main.tf:", "the gate reads every release from snapshots, yet the Migrate action takes the source SourceOutput too"}},
		{name: "new release from the working tree", file: migrate,
			old: "--new-snapshot snapshot.json.gz \\\n", new: "",
			want: []string{gateLine + ": the Migrate action has no source, so the working tree is the build output", "pass --new-snapshot"}},
		{name: "running release from git without a clone", file: migrate,
			old: " \\\n          --previous-snapshot-from \"s3://$SNAPSHOT_BUCKET/$SNAPSHOT_PREFIX/\"", new: "",
			want: []string{
				gateLine + ": the Migrate action has no source and no git",
				"role migrate grants s3:GetObject, which gate ecs does not call",
			}},
		{name: "reads the whole bucket", file: iam,
			old: "actions   = [\"s3:GetObject\"]\n    resources = [local.snapshot_objects_arn]", new: "actions   = [\"s3:GetObject\"]\n    resources = [\"${aws_s3_bucket.snapshots.arn}/*\"]",
			want: []string{`role migrate grants s3:GetObject on "arn:aws:s3:::tf-snapshots/*": scope it to arn:aws:s3:::tf-snapshots/shop/*`}},
		{name: "no ListBucket", file: iam,
			old: `actions   = ["s3:ListBucket"]`, new: `actions   = ["s3:GetBucketLocation"]`,
			want: []string{
				"role migrate lacks s3:ListBucket on arn:aws:s3:::tf-snapshots, which gate ecs calls (a missing snapshot reads as no such key",
				"role migrate grants s3:GetBucketLocation, which gate ecs does not call",
			}},
		{name: "ListBucket within the prefix is fine", file: iam,
			old: listGrant, new: listGrant + "    condition {\n      test     = \"StringLike\"\n      variable = \"s3:prefix\"\n      values   = [\"${var.snapshot_prefix}/*\"]\n    }\n"},
		{name: "ListBucket beyond the prefix", file: iam,
			old: listGrant, new: listGrant + "    condition {\n      test     = \"StringLike\"\n      variable = \"s3:prefix\"\n      values   = [\"*\"]\n    }\n",
			want: []string{`role migrate may list "*", beyond the snapshot prefix`}},
		{name: "build may delete snapshots", file: iam,
			old: putGrant, new: strings.Replace(putGrant, `["s3:PutObject"]`, `["s3:PutObject", "s3:DeleteObject"]`, 1),
			want: []string{"role build grants s3:DeleteObject, which snapshot does not call"}},
		{name: "build may not upload", file: iam,
			old: putGrant, new: strings.Replace(putGrant, "local.snapshot_objects_arn", "\"${aws_s3_bucket.artifacts.arn}/*\"", 1),
			want: []string{"project build: role build lacks s3:PutObject on arn:aws:s3:::tf-snapshots/shop/*, which snapshot calls (snapshot --upload)"}},
		{name: "build not told the prefix", file: main,
			old: `name  = "SNAPSHOT_PREFIX"`, new: `name  = "SNAP_PREFIX"`,
			want: []string{snapshotLine + ": $SNAPSHOT_PREFIX is set neither by the buildspec, project build nor its pipeline action"}},

		// The full-clone alternative.
		{name: "zip source", file: main, git: true,
			old: "OutputArtifactFormat = \"CODEBUILD_CLONE_REF\"\n      }", new: "OutputArtifactFormat = \"CODE_ZIP\"\n      }",
			want: []string{"examples/aws/terraform/main.tf:", `OutputArtifactFormat = "CODEBUILD_CLONE_REF"`}},
		{name: "cannot clone", file: iam, git: true,
			old: "sid       = \"CloneThroughConnection\"\n    actions   = local.connection_actions", new: "sid       = \"CloneThroughConnection\"\n    actions   = [\"s3:GetObject\"]",
			want: []string{"examples/aws/terraform/main.tf:", "role migrate cannot clone the CodeStarSourceConnection source"}},
		{name: "build cannot clone", file: iam, git: true,
			edit: func(s string) string {
				i := strings.Index(s, "data \"aws_iam_policy_document\" \"build\"")
				return s[:i] + strings.Replace(s[i:], "actions   = local.connection_actions", "actions   = [\"s3:GetObject\"]", 1)
			},
			want: []string{"examples/aws/terraform/main.tf:", "role build cannot clone the CodeStarSourceConnection source"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := copyExamples(t)
			if c.git {
				gitVariant(t, dir)
			}
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
			_, problems := ex.permissions()
			got := strings.Join(slices.Concat(ex.problems, problems, ex.pipelineProblems()), "\n")
			if c.want == nil && got != "" {
				t.Errorf("want no problems, got:\n%s", got)
			}
			for _, w := range c.want {
				if !strings.Contains(got, w) {
					t.Errorf("problems lack %q:\n%s", w, got)
				}
			}
		})
	}
}

// lineOf returns file:line of the first line of an example that starts
// with text, as the checker shows positions.
func lineOf(t *testing.T, file, text string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(examplesDir(), filepath.FromSlash(file)))
	if err != nil {
		t.Fatal(err)
	}
	for i, line := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), text) {
			return fmt.Sprintf("examples/%s:%d", file, i+1)
		}
	}
	t.Fatalf("examples/%s has no line with %q", file, text)
	return ""
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
	// assigned are the variables each file's shell commands assign.
	assigned map[string]map[string]bool
	// scripts are each YAML file's shell scripts, split again with the
	// variables the CodeBuild project running it sets (resolvedLines).
	scripts map[string][]shellScript
	// artifacts are each buildspec's artifacts.files.
	artifacts map[string][]string
	tf        []*tfFile
}

type shellScript struct {
	text string
	line int
}

type tfFile struct {
	name string // as shown, e.g. examples/aws/terraform/iam.tf
	dir  string // on disk, for path.module
	body *hclsyntax.Body
}

// schemagateLine is one schemagate command line found in an example.
type schemagateLine struct {
	file   string // as shown
	pos    string // file:line
	args   []string
	vars   []string // the variables it reads
	path   string   // the command it runs, e.g. "schemagate gate ecs"
	flags  map[string]bool
	values map[string]string // of the flags set
}

func (l schemagateLine) String() string {
	return l.pos + ": schemagate " + strings.Join(l.args, " ")
}

func (e *examples) problem(pos, format string, args ...any) {
	e.problems = append(e.problems, pos+": "+fmt.Sprintf(format, args...))
}

func loadExamples(dir string) *examples {
	e := &examples{dir: dir, vars: map[string]map[string]string{}, assigned: map[string]map[string]bool{},
		scripts: map[string][]shellScript{}, artifacts: map[string][]string{}}
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
	var scripts []shellScript
	add := func(n *yaml.Node) {
		if n.Kind != yaml.ScalarNode {
			e.problem(fmt.Sprintf("%s:%d", name, n.Line), "a command that is not a string")
			return
		}
		line := n.Line
		if n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0 {
			line++ // the text starts below the | or >
		}
		scripts = append(scripts, shellScript{githubExpr.ReplaceAllString(n.Value, "gh-expr"), line})
	}
	var walk func(n *yaml.Node)
	walk = func(n *yaml.Node) {
		if n.Kind == yaml.MappingNode {
			for i := 0; i+1 < len(n.Content); i += 2 {
				k, v := n.Content[i].Value, n.Content[i+1]
				switch {
				case (k == "commands" || k == "finally" || k == "script") && v.Kind == yaml.SequenceNode:
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
	e.scripts[name] = scripts
	e.artifacts[name] = artifactFiles(&root)
	var out []schemagateLine
	for _, s := range scripts {
		out = append(out, e.shellLines(name, s.text, s.line, vars)...)
	}
	return out
}

// artifactFiles returns a buildspec's artifacts.files.
func artifactFiles(root *yaml.Node) []string {
	child := func(n *yaml.Node, key string) *yaml.Node {
		if n == nil || n.Kind != yaml.MappingNode {
			return nil
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == key {
				return n.Content[i+1]
			}
		}
		return nil
	}
	if root.Kind != yaml.DocumentNode || len(root.Content) == 0 {
		return nil
	}
	files := child(child(root.Content[0], "artifacts"), "files")
	if files == nil || files.Kind != yaml.SequenceNode {
		return nil
	}
	var out []string
	for _, f := range files.Content {
		out = append(out, f.Value)
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
// starts on line first of file name, and notes the variables it assigns.
func (e *examples) shellLines(name, script string, first int, vars map[string]string) []schemagateLine {
	lines, assigned, err := scriptLines(name, script, first, func(v string) (string, bool) {
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
	if e.assigned[name] == nil {
		e.assigned[name] = map[string]bool{}
	}
	for _, v := range assigned {
		e.assigned[name][v] = true
	}
	return lines
}

// scriptLines splits a script into its schemagate command lines and the
// variables its other commands assign.
func scriptLines(name, script string, first int, lookup func(string) (string, bool)) ([]schemagateLine, []string, error) {
	cmds, err := splitShell(script, first, lookup)
	if err != nil {
		return nil, nil, err
	}
	var out []schemagateLine
	var assigned []string
	for _, c := range cmds {
		if args, ok := schemagateArgs(c.words); ok {
			out = append(out, schemagateLine{file: name, pos: fmt.Sprintf("%s:%d", name, c.line), args: args, vars: c.vars})
			continue
		}
		assigned = append(assigned, assignedVars(c.words)...)
	}
	return out, assigned, nil
}

// assignedVars returns the variables a command sets for the commands after
// it: NAME=VALUE alone, or export NAME=VALUE. (NAME=VALUE cmd sets it for
// cmd only.)
func assignedVars(words []string) []string {
	if len(words) > 0 && (words[0] == "export" || words[0] == "readonly") {
		words = words[1:]
	} else if slices.ContainsFunc(words, func(w string) bool { return !assignment.MatchString(w) }) {
		return nil
	}
	var out []string
	for _, w := range words {
		if assignment.MatchString(w) {
			out = append(out, w[:strings.IndexByte(w, '=')])
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
	if err := e.parseLine(l); err != nil {
		e.problem(l.pos, "schemagate %s: %v", strings.Join(l.args, " "), err)
	}
}

// parseLine fills in the command and the flags of a line, and says what
// the command would refuse.
func (e *examples) parseLine(l *schemagateLine) error {
	// The example config, or for a checker test's tree without one the real one.
	cfgPath := filepath.Join(e.dir, config.FileName)
	if _, err := os.Stat(cfgPath); err != nil {
		cfgPath = filepath.Join(examplesDir(), config.FileName)
	}
	cmd, err := parseExampleArgs(l.args, cfgPath)
	if cmd != nil {
		l.path = cmd.CommandPath()
		l.flags, l.values = map[string]bool{}, map[string]string{}
		cmd.Flags().Visit(func(f *pflag.Flag) {
			l.flags[f.Name] = true
			l.values[f.Name] = f.Value.String()
		})
	}
	return err
}

// resolvedLines splits a buildspec's scripts again, its variables looked
// up in vars first (what the CodeBuild project and its pipeline action
// set, which CodeBuild puts before the buildspec's own), and returns its
// schemagate lines parsed. Problems were reported by checkLine already.
func (e *examples) resolvedLines(file string, vars map[string]string) []schemagateLine {
	lookup := func(v string) (string, bool) {
		if val, ok := vars[v]; ok {
			return val, true
		}
		val, ok := e.vars[file][v]
		return val, ok
	}
	var out []schemagateLine
	for _, s := range e.scripts[file] {
		lines, _, err := scriptLines(file, s.text, s.line, lookup)
		if err != nil {
			continue
		}
		for i := range lines {
			e.parseLine(&lines[i])
		}
		out = append(out, lines...)
	}
	return out
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
	if err := checkReleaseFlags(cmd.Flags()); err != nil {
		return cmd, err
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

// checkReleaseFlags makes the checks snapshot, check and gate make of
// where the releases come from before they read any: S3 URLs, revision
// names, and the flags that exclude each other.
func checkReleaseFlags(f *pflag.FlagSet) error {
	set := func(name string) bool { fl := f.Lookup(name); return fl != nil && fl.Changed }
	str := func(name string) string {
		if !set(name) {
			return ""
		}
		return f.Lookup(name).Value.String()
	}
	for _, name := range []string{"upload", "previous-snapshot-from"} {
		if v := str(name); v != "" {
			if _, err := snapshot.ParseS3URL(v, true); err != nil {
				return fmt.Errorf("--%s: %w", name, err)
			}
		}
	}
	objects := []string{str("new-snapshot")}
	if set("previous-snapshot") {
		list, _ := f.GetStringArray("previous-snapshot")
		objects = append(objects, list...)
	}
	for _, v := range objects {
		if snapshot.IsS3URL(v) {
			if _, err := snapshot.ParseS3URL(v, false); err != nil {
				return err
			}
		}
	}
	if v := str("revision"); v != "" {
		if err := snapshot.CheckRevision(v); err != nil {
			return fmt.Errorf("--revision: %w", err)
		}
	}
	switch {
	case set("if-previous-missing") && str("if-previous-missing") != "fail" && str("if-previous-missing") != "lint":
		return fmt.Errorf("--if-previous-missing %q: want fail or lint", str("if-previous-missing"))
	case set("previous-snapshot") && (set("previous") || set("previous-from-service") || set("previous-snapshot-from")):
		return errors.New("--previous-snapshot names the releases itself: it excludes --previous, --previous-from-service and --previous-snapshot-from")
	case set("new") && set("new-snapshot"):
		return errors.New("--new and --new-snapshot exclude each other")
	}
	return nil
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
// string flag accepts it (a bucket name too); a typed flag fed from one
// shows up as an error.
func shellPlaceholder(name string) string {
	return "example-" + strings.ReplaceAll(strings.ToLower(name), "_", "-")
}

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

// tfContext evaluates what the checks follow through the Terraform: each
// variable (its default, else "var-NAME"), each aws_s3_bucket N (named
// tf-N), the partition, region and account data sources, path.module, and
// every local that evaluates with those. Anything else (a role's ARN, an
// ECR repository's URL) stays unknown.
func (e *examples) tfContext() *hcl.EvalContext {
	vars := map[string]cty.Value{}
	buckets := map[string]cty.Value{}
	data := map[string]map[string]cty.Value{}
	known := map[string]map[string]cty.Value{
		"aws_partition":       {"partition": cty.StringVal("aws")},
		"aws_region":          {"name": cty.StringVal("us-east-1"), "region": cty.StringVal("us-east-1")},
		"aws_caller_identity": {"account_id": cty.StringVal("123456789012")},
	}
	for _, f := range e.tf {
		for _, b := range f.body.Blocks {
			switch {
			case b.Type == "variable" && len(b.Labels) == 1:
				v := cty.StringVal("var-" + b.Labels[0])
				if a, ok := b.Body.Attributes["default"]; ok {
					if d, diags := a.Expr.Value(nil); !diags.HasErrors() && d.IsWhollyKnown() && !d.IsNull() && d.Type() == cty.String {
						v = d
					}
				}
				vars[b.Labels[0]] = v
			case b.Type == "resource" && len(b.Labels) == 2 && b.Labels[0] == "aws_s3_bucket":
				name := tfBucketName(b.Labels[1])
				buckets[b.Labels[1]] = cty.ObjectVal(map[string]cty.Value{
					"arn": cty.StringVal("arn:aws:s3:::" + name), "bucket": cty.StringVal(name), "id": cty.StringVal(name),
				})
			case b.Type == "data" && len(b.Labels) == 2 && known[b.Labels[0]] != nil:
				if data[b.Labels[0]] == nil {
					data[b.Labels[0]] = map[string]cty.Value{}
				}
				data[b.Labels[0]][b.Labels[1]] = cty.ObjectVal(known[b.Labels[0]])
			}
		}
	}
	dataObj := map[string]cty.Value{}
	for kind, byName := range data {
		dataObj[kind] = cty.ObjectVal(byName)
	}
	ctx := &hcl.EvalContext{Variables: map[string]cty.Value{
		"var":           cty.ObjectVal(vars),
		"aws_s3_bucket": cty.ObjectVal(buckets),
		"data":          cty.ObjectVal(dataObj),
		"path":          cty.ObjectVal(map[string]cty.Value{"module": cty.StringVal(".")}),
	}}
	// Locals use locals: evaluate until no more become known.
	locals := map[string]cty.Value{}
	for changed := true; changed; {
		changed = false
		ctx.Variables["local"] = cty.ObjectVal(locals)
		for _, f := range e.tf {
			for _, b := range f.body.Blocks {
				if b.Type != "locals" {
					continue
				}
				for name, a := range b.Body.Attributes {
					if _, done := locals[name]; done {
						continue
					}
					if v, diags := a.Expr.Value(ctx); !diags.HasErrors() && v.IsWhollyKnown() {
						locals[name] = v
						changed = true
					}
				}
			}
		}
	}
	ctx.Variables["local"] = cty.ObjectVal(locals)
	return ctx
}

// tfBucketName is the name tfContext gives aws_s3_bucket.label.
func tfBucketName(label string) string {
	return "tf-" + strings.ReplaceAll(strings.ToLower(label), "_", "-")
}

// tfStrings evaluates a list of strings; an element that cannot be
// known is "".
func tfStrings(expr hclsyntax.Expression, ctx *hcl.EvalContext) []string {
	if v, diags := expr.Value(ctx); !diags.HasErrors() && v.IsWhollyKnown() && !v.IsNull() {
		if v.Type() == cty.String {
			return []string{v.AsString()}
		}
		if v.CanIterateElements() {
			var out []string
			for it := v.ElementIterator(); it.Next(); {
				_, el := it.Element()
				if el.Type() != cty.String {
					return []string{""}
				}
				out = append(out, el.AsString())
			}
			return out
		}
	}
	if tuple, ok := expr.(*hclsyntax.TupleConsExpr); ok {
		var out []string
		for _, el := range tuple.Exprs {
			s := ""
			if v, diags := el.Value(ctx); !diags.HasErrors() && v.IsWhollyKnown() && !v.IsNull() && v.Type() == cty.String {
				s = v.AsString()
			}
			out = append(out, s)
		}
		return out
	}
	return []string{""}
}

type iamStatement struct {
	pos        string
	actions    []string
	resources  []string // "" for one computed at apply time
	conditions []iamCondition
}

type iamCondition struct {
	test, variable string
	values         []string
}

// policyDocuments reads every aws_iam_policy_document's Allow statements.
// Actions must be literal (or a literal local) for the test to see them.
func (e *examples) policyDocuments(problems *[]string) map[string][]iamStatement {
	ctx := e.tfContext()
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
				st.resources = tfStrings(r.Expr, ctx)
			}
			for _, cb := range b.Body.Blocks {
				if cb.Type != "condition" {
					continue
				}
				var c iamCondition
				if a, ok := cb.Body.Attributes["test"]; ok {
					c.test, _ = tfLiteral(a.Expr)
				}
				if a, ok := cb.Body.Attributes["variable"]; ok {
					c.variable, _ = tfLiteral(a.Expr)
				}
				if a, ok := cb.Body.Attributes["values"]; ok {
					c.values = tfStrings(a.Expr, ctx)
				}
				st.conditions = append(st.conditions, c)
			}
			docs[name] = append(docs[name], st)
		}
	}
	return docs
}

type tfProject struct {
	pos       string
	role      string
	buildspec string            // as shown, when the buildspec is file(...)
	env       []string          // environment_variable names
	envValues map[string]string // and the values tfContext knows
}

// codebuildProjects reads every aws_codebuild_project: its role, its
// buildspec file and its environment variables.
func (e *examples) codebuildProjects() map[string]*tfProject {
	ctx := e.tfContext()
	out := map[string]*tfProject{}
	for _, r := range e.resources("resource", "aws_codebuild_project") {
		p := &tfProject{pos: tfPos(r.block.DefRange()), envValues: map[string]string{}}
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
					a, ok := ev.Body.Attributes["name"]
					if ev.Type != "environment_variable" || !ok {
						continue
					}
					n, ok := tfLiteral(a.Expr)
					if !ok {
						continue
					}
					p.env = append(p.env, n)
					if va, ok := ev.Body.Attributes["value"]; ok {
						if v, diags := va.Expr.Value(ctx); !diags.HasErrors() && v.IsWhollyKnown() && !v.IsNull() && v.Type() == cty.String {
							p.envValues[n] = v.AsString()
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

// projectAction returns the pipeline action that runs a project, nil when
// none does.
func projectAction(actions []tfAction, project string) *tfAction {
	for i := range actions {
		if pn, ok := actions[i].config["ProjectName"]; ok && tfRefName(pn, "aws_codebuild_project") == project {
			return &actions[i]
		}
	}
	return nil
}

// projectLines returns the schemagate lines of a project's buildspec with
// the variables the project and its pipeline action set.
func (e *examples) projectLines(p *tfProject, action *tfAction) []schemagateLine {
	vars := maps.Clone(p.envValues)
	if action != nil {
		maps.Copy(vars, actionEnv(action.config["EnvironmentVariables"]))
	}
	return e.resolvedLines(p.buildspec, vars)
}

// definedVars are the variables a project's build has: CodeBuild's own,
// the project's, its pipeline action's, the buildspec's and those its
// commands assign.
func (e *examples) definedVars(p *tfProject, action *tfAction) map[string]bool {
	defined := map[string]bool{}
	for _, n := range slices.Concat(p.env, codebuildBuiltins) {
		defined[n] = true
	}
	if action != nil {
		for n := range actionEnv(action.config["EnvironmentVariables"]) {
			defined[n] = true
		}
	}
	for n := range e.vars[p.buildspec] {
		defined[n] = true
	}
	for n := range e.assigned[p.buildspec] {
		defined[n] = true
	}
	return defined
}

// undefinedVars reports the variables a line reads that its build does
// not set.
func undefinedVars(l schemagateLine, defined map[string]bool, project string) []string {
	var out []string
	for _, v := range l.vars {
		if !defined[v] && !strings.HasPrefix(v, "CODEBUILD_") {
			out = append(out, fmt.Sprintf("%s: $%s is set neither by the buildspec, project %s nor its pipeline action", l.pos, v, project))
		}
	}
	return out
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

// gateECSCalls are the AWS calls gate ecs makes whatever its flags.
var gateECSCalls = map[string]string{
	"ecs:DescribeTaskDefinition": "the migration task definition's containers and log options",
	"ecs:RunTask":                "the migration",
	"ecs:TagResource":            "RunTask carries the schemagate:* tags",
	"ecs:DescribeTasks":          "waiting for the verdict",
	"iam:PassRole":               "RunTask passes the task definition's roles",
	"logs:GetLogEvents":          "streaming the migration's output",
	"logs:FilterLogEvents":       "telling a missing log group from a stream not written yet",
}

// snapshotPlace is where a line reads or writes snapshots in S3, as the
// project's variables resolve it: a prefix (of <revision>.json.gz) or one
// object.
type snapshotPlace struct {
	bucket string
	key    string
	prefix bool
}

func (s snapshotPlace) bucketARN() string { return "arn:aws:s3:::" + s.bucket }

// objectsARN is the resource of the objects: exactly the prefix's keys, or
// the one object.
func (s snapshotPlace) objectsARN() string {
	if s.prefix {
		return s.bucketARN() + "/" + s.key + "*"
	}
	return s.bucketARN() + "/" + s.key
}

// inBucket says whether an IAM resource grants something in the place's
// bucket.
func (s snapshotPlace) inBucket(resource string) bool {
	return resource == "*" || resource == s.bucketARN() || strings.HasPrefix(resource, s.bucketARN()+"/")
}

// awsNeeds is what the schemagate lines of one project call in AWS.
type awsNeeds struct {
	commands []string          // for messages: "gate ecs", "snapshot"
	gate     bool              // it runs gate ecs: ECS, IAM and logs are its territory
	calls    map[string]string // action -> why
	reads    []snapshotPlace   // s3:GetObject (and ListBucket on the bucket)
	writes   []snapshotPlace   // s3:PutObject
	problems []string
}

func (n *awsNeeds) command() string { return strings.Join(n.commands, " and ") }

func (n *awsNeeds) places() []snapshotPlace { return slices.Concat(n.reads, n.writes) }

// place resolves a snapshot URL of a line; its bucket must be one of the
// Terraform's, or the policy cannot be checked against it.
func (n *awsNeeds) place(l schemagateLine, url string, prefix bool) (snapshotPlace, bool) {
	loc, err := snapshot.ParseS3URL(url, prefix)
	if err != nil {
		n.problems = append(n.problems, fmt.Sprintf("%s: %v", l.pos, err))
		return snapshotPlace{}, false
	}
	if !strings.HasPrefix(loc.Bucket, "tf-") {
		n.problems = append(n.problems, fmt.Sprintf("%s: %s: the bucket is no aws_s3_bucket of these files (is its variable set from one?)", l.pos, url))
		return snapshotPlace{}, false
	}
	return snapshotPlace{bucket: loc.Bucket, key: loc.Key, prefix: prefix}, true
}

// awsNeeds says which AWS calls a project's schemagate lines make, given
// their flags: what the project's role must be granted, and nothing more.
func (e *examples) awsNeeds(p *tfProject, action *tfAction) *awsNeeds {
	n := &awsNeeds{calls: map[string]string{}}
	for _, l := range e.projectLines(p, action) {
		switch l.path {
		case "schemagate gate ecs":
			n.gate = true
			n.commands = append(n.commands, "gate ecs")
			maps.Copy(n.calls, gateECSCalls)
			if l.flags["previous-from-service"] {
				n.calls["ecs:DescribeServices"] = "--previous-from-service"
			}
			if l.flags["stop-on-cancel"] {
				n.calls["ecs:StopTask"] = "--stop-on-cancel"
			}
		case "schemagate snapshot":
			if u := l.values["upload"]; u != "" {
				n.commands = append(n.commands, "snapshot")
				if pl, ok := n.place(l, u, true); ok {
					n.writes = append(n.writes, pl)
					n.calls["s3:PutObject"] = "snapshot --upload"
				}
			}
		}
		// Check, gate and verify read snapshots the same way.
		var objects []snapshotPlace
		if u := l.values["previous-snapshot-from"]; u != "" {
			if pl, ok := n.place(l, u, true); ok {
				objects = append(objects, pl)
			}
		}
		if u := l.values["new-snapshot"]; snapshot.IsS3URL(u) {
			if pl, ok := n.place(l, u, false); ok {
				objects = append(objects, pl)
			}
		}
		if l.flags["previous-snapshot"] {
			list := strings.Split(strings.Trim(l.values["previous-snapshot"], "[]"), ",")
			for _, u := range list {
				if snapshot.IsS3URL(u) {
					if pl, ok := n.place(l, u, false); ok {
						objects = append(objects, pl)
					}
				}
			}
		}
		if len(objects) > 0 {
			n.reads = append(n.reads, objects...)
			n.calls["s3:GetObject"] = "reading the snapshots (HeadObject, then GetObject)"
			n.calls["s3:ListBucket"] = "a missing snapshot reads as no such key, not access denied"
		}
	}
	return n
}

// territory says whether a statement granting act is one this test holds
// to the project's needs: ECS, IAM and reading logs for gate ecs (CodeBuild
// writing its own log stream is not), and S3 in any bucket a project of
// these files keeps snapshots in, whether this one uses it or not.
func (n *awsNeeds) territory(act string, st iamStatement, snapshotPlaces []snapshotPlace) bool {
	if n.gate && gateRelevant(act) {
		return true
	}
	if !strings.HasPrefix(act, "s3:") {
		return false
	}
	for _, pl := range snapshotPlaces {
		if slices.ContainsFunc(st.resources, pl.inBucket) {
			return true
		}
	}
	return false
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

// s3Scope checks the resources and conditions of a statement granting an
// S3 action the project calls: the objects exactly under the snapshot
// prefix, ListBucket on the bucket (listing, if conditioned, within the
// prefix).
func (n *awsNeeds) s3Scope(act, role string, st iamStatement) []string {
	var problems []string
	places := n.reads
	if act == "s3:PutObject" {
		places = n.writes
	}
	for _, r := range st.resources {
		in := slices.ContainsFunc(places, func(pl snapshotPlace) bool { return pl.inBucket(r) })
		if !in {
			continue
		}
		ok := slices.ContainsFunc(places, func(pl snapshotPlace) bool {
			if act == "s3:ListBucket" {
				return r == pl.bucketARN()
			}
			return r == pl.objectsARN()
		})
		if ok {
			continue
		}
		want := make([]string, 0, len(places))
		for _, pl := range places {
			if act == "s3:ListBucket" {
				want = append(want, pl.bucketARN())
			} else {
				want = append(want, pl.objectsARN())
			}
		}
		problems = append(problems, fmt.Sprintf("%s: role %s grants %s on %q: scope it to %s", st.pos, role, act, r, strings.Join(want, ", ")))
	}
	if act != "s3:ListBucket" {
		return problems
	}
	for _, c := range st.conditions {
		if c.variable != "s3:prefix" {
			continue
		}
		for _, v := range c.values {
			if !slices.ContainsFunc(places, func(pl snapshotPlace) bool { return pl.prefix && strings.HasPrefix(v, pl.key) }) {
				problems = append(problems, fmt.Sprintf("%s: role %s may list %q, beyond the snapshot prefix", st.pos, role, v))
			}
		}
	}
	return problems
}

// grants says whether the statements granting act cover what the project
// calls it on: for S3 every snapshot place, exactly; otherwise any grant.
func (n *awsNeeds) grants(act string, sts []iamStatement) (bool, string) {
	places := n.reads
	switch act {
	case "s3:PutObject":
		places = n.writes
	case "s3:GetObject", "s3:ListBucket":
	default:
		return len(sts) > 0, ""
	}
	for _, pl := range places {
		want := pl.objectsARN()
		if act == "s3:ListBucket" {
			want = pl.bucketARN()
		}
		if !slices.ContainsFunc(sts, func(st iamStatement) bool { return slices.Contains(st.resources, want) }) {
			return false, " on " + want
		}
	}
	return true, ""
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

// permissions checks the role of every CodeBuild project that runs
// schemagate against AWS: it grants exactly the calls the project's lines
// make, each action named, each scoped as far as the API allows. It
// returns the actions in that territory each role grants, sorted.
func (e *examples) permissions() (map[string][]string, []string) {
	var problems []string
	out := map[string][]string{}
	actions := e.pipelineActions()
	gates := 0
	projects := e.codebuildProjects()
	needs := map[string]*awsNeeds{}
	var snapshotPlaces []snapshotPlace
	for name, p := range projects {
		needs[name] = e.awsNeeds(p, projectAction(actions, name))
		snapshotPlaces = append(snapshotPlaces, needs[name].places()...)
	}
	for _, name := range slices.Sorted(maps.Keys(projects)) {
		p, need := projects[name], needs[name]
		problems = append(problems, need.problems...)
		if len(need.calls) == 0 {
			continue
		}
		if need.gate {
			gates++
		}
		if p.role == "" {
			problems = append(problems, p.pos+": project "+name+": service_role is not an aws_iam_role of these files")
			continue
		}
		roleActions := e.roleActions(p.role, &problems)
		granted := map[string]bool{}
		for act, sts := range roleActions {
			for _, st := range sts {
				if strings.ContainsAny(act, "*?") {
					problems = append(problems, fmt.Sprintf("%s: grants %q: name each action the %s calls", st.pos, act, need.command()))
					continue
				}
				if !need.territory(act, st, snapshotPlaces) {
					continue
				}
				if _, ok := need.calls[act]; !ok {
					problems = append(problems, fmt.Sprintf("%s: role %s grants %s, which %s does not call with the examples' flags", st.pos, p.role, act, need.command()))
					continue
				}
				switch {
				case strings.HasPrefix(act, "s3:"):
					problems = append(problems, need.s3Scope(act, p.role, st)...)
				// DescribeTaskDefinition has no resource-level permissions.
				case slices.Contains(st.resources, "*") && act != "ecs:DescribeTaskDefinition":
					problems = append(problems, fmt.Sprintf("%s: role %s grants %s on \"*\": scope it to the cluster, service, task family, roles or log group", st.pos, p.role, act))
				}
				granted[act] = true
			}
		}
		for act, why := range need.calls {
			if ok, where := need.grants(act, roleActions[act]); !ok {
				problems = append(problems, fmt.Sprintf("%s: project %s: role %s lacks %s%s, which %s calls (%s)", p.pos, name, p.role, act, where, need.command(), why))
			}
		}
		out[p.role] = slices.Sorted(maps.Keys(granted))
	}
	if gates == 0 {
		problems = append(problems, "no aws_codebuild_project has a buildspec (file(...)) that runs schemagate gate ecs")
	}
	sort.Strings(problems)
	return out, problems
}

type tfAction struct {
	pos      string
	stage    int
	category string
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
				if a, ok := attrs["category"]; ok {
					act.category, _ = tfLiteral(a.Expr)
				}
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

// actionEnv reads a CodeBuild action's
// EnvironmentVariables = jsonencode([{ name = ..., value = ... }]).
func actionEnv(expr hclsyntax.Expression) map[string]string {
	out := map[string]string{}
	call, ok := expr.(*hclsyntax.FunctionCallExpr)
	if !ok || call.Name != "jsonencode" || len(call.Args) != 1 {
		return out
	}
	tuple, ok := call.Args[0].(*hclsyntax.TupleConsExpr)
	if !ok {
		return out
	}
	for _, el := range tuple.Exprs {
		obj, ok := el.(*hclsyntax.ObjectConsExpr)
		if !ok {
			continue
		}
		var name, value string
		for _, item := range obj.Items {
			switch hcl.ExprAsKeyword(item.KeyExpr) {
			case "name":
				name, _ = tfLiteral(item.ValueExpr)
			case "value":
				value, _ = tfLiteral(item.ValueExpr)
			}
		}
		if name != "" {
			out[name] = value
		}
	}
	return out
}

// codebuildBuiltins are the variables CodeBuild sets in every build.
var codebuildBuiltins = []string{"AWS_REGION", "AWS_DEFAULT_REGION", "HOME", "PATH"}

// releaseFlow is how the gate ecs line of one CodeBuild project gets the
// releases it checks.
type releaseFlow struct {
	project string
	p       *tfProject
	action  *tfAction      // the pipeline action running the project
	gate    schemagateLine // resolved with the project's and the action's variables
	// sources are the action's inputs a Source action produces: a checkout.
	sources []string
	// primary is the input the build starts in: its working directory.
	primary string
	// producer is the CodeBuild action whose output primary is, with its
	// project and buildspec; nil when none of these files'.
	producer        *tfAction
	producerProject *tfProject
	producerName    string
	// snapshots are the producer's schemagate snapshot lines, resolved.
	snapshots []schemagateLine
}

// releaseFlows follows every gate ecs line of a CodeBuild project back
// through the pipeline: its action, its inputs, and the build whose
// output it starts in.
func (e *examples) releaseFlows(actions []tfAction) ([]releaseFlow, []string) {
	var flows []releaseFlow
	var problems []string
	produces := map[string]*tfAction{}
	for i := range actions {
		for _, o := range actions[i].outputs {
			produces[o] = &actions[i]
		}
	}
	projects := e.codebuildProjects()
	gates := e.gateProjects()
	for _, name := range slices.Sorted(maps.Keys(gates)) {
		p := gates[name]
		action := projectAction(actions, name)
		if action == nil {
			problems = append(problems, p.pos+": no pipeline action runs project "+name)
			continue
		}
		f := releaseFlow{project: name, p: p, action: action}
		for _, in := range action.inputs {
			if src, ok := produces[in]; ok && src.category == "Source" {
				f.sources = append(f.sources, in)
			}
		}
		if ps, ok := action.config["PrimarySource"]; ok {
			f.primary, _ = tfLiteral(ps)
		}
		if f.primary == "" && len(action.inputs) > 0 {
			f.primary = action.inputs[0]
		}
		if b, ok := produces[f.primary]; ok && b.provider == "CodeBuild" {
			if pn, ok := b.config["ProjectName"]; ok {
				f.producerName = tfRefName(pn, "aws_codebuild_project")
				f.producerProject = projects[f.producerName]
				f.producer = b
			}
		}
		if f.producerProject != nil {
			for _, l := range e.projectLines(f.producerProject, f.producer) {
				if l.path == "schemagate snapshot" {
					f.snapshots = append(f.snapshots, l)
				}
			}
		}
		for _, l := range e.projectLines(p, action) {
			if l.path == "schemagate gate ecs" {
				f.gate = l
				flows = append(flows, f)
			}
		}
	}
	return flows, problems
}

// exports says whether a buildspec's artifacts.files take a file of the
// working directory.
func (e *examples) exports(buildspec, file string) bool {
	file = path.Clean(file)
	for _, pattern := range e.artifacts[buildspec] {
		if pattern == "**/*" || pattern == file {
			return true
		}
		if ok, _ := path.Match(pattern, file); ok {
			return true
		}
	}
	return false
}

// pipelineProblems checks the pipeline around the gate: the Migrate action
// sits after the stage that builds the deploy's input and before the
// deploy; it gets each release from where its gate line reads it (a
// snapshot the build exports and uploads, or a git clone the role may
// clone); every variable the gate and snapshot lines read is set by the
// buildspec, the project or the action.
func (e *examples) pipelineProblems() []string {
	actions := e.pipelineActions()
	if len(actions) == 0 {
		return []string{"no aws_codepipeline with stages in the Terraform examples"}
	}
	flows, problems := e.releaseFlows(actions)
	produces := map[string]tfAction{}
	for _, a := range actions {
		for _, o := range a.outputs {
			produces[o] = a
		}
	}
	// Every CodeBuild project handed a clone clones it through its own role.
	projects := e.codebuildProjects()
	for _, a := range actions {
		pn, ok := a.config["ProjectName"]
		if !ok || a.provider != "CodeBuild" || projects[tfRefName(pn, "aws_codebuild_project")] == nil {
			continue
		}
		p := projects[tfRefName(pn, "aws_codebuild_project")]
		for _, in := range a.inputs {
			if src, ok := produces[in]; ok && sourceFormat(src) == "CODEBUILD_CLONE_REF" {
				problems = append(problems, e.cloneGrantProblems(p, src)...)
			}
		}
	}
	for _, f := range flows {
		migrate := f.action
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
		problems = append(problems, e.snapshotFlowProblems(f)...)
		problems = append(problems, e.cloneProblems(f, produces)...)
		problems = append(problems, undefinedVars(f.gate, e.definedVars(f.p, f.action), f.project)...)
		if f.producerProject != nil {
			defined := e.definedVars(f.producerProject, f.producer)
			for _, l := range f.snapshots {
				problems = append(problems, undefinedVars(l, defined, f.producerName)...)
			}
		}
	}
	sort.Strings(problems)
	return slices.Compact(problems)
}

// snapshotFlowProblems checks a gate that reads releases from snapshots:
// with no checkout, both releases must come from snapshots; the new one
// is a file the build exports with the config beside it; the previous ones
// are where that build uploads.
func (e *examples) snapshotFlowProblems(f releaseFlow) []string {
	var problems []string
	g := f.gate
	fromSnapshots := g.flags["previous-snapshot-from"] || g.flags["previous-snapshot"]
	newSnapshot := g.values["new-snapshot"]
	switch {
	case len(f.sources) == 0 && newSnapshot == "":
		problems = append(problems, fmt.Sprintf("%s: the Migrate action has no source, so the working tree is the build output, not the release being deployed: pass --new-snapshot with the snapshot the build exports", g.pos))
	case len(f.sources) == 0 && !fromSnapshots:
		problems = append(problems, fmt.Sprintf("%s: the Migrate action has no source and no git: read the running releases from snapshots (--previous-snapshot-from s3://BUCKET/PREFIX/)", g.pos))
	case len(f.sources) > 0 && newSnapshot != "" && fromSnapshots:
		problems = append(problems, fmt.Sprintf("%s: the gate reads every release from snapshots, yet the Migrate action takes the source %s too: drop it, the build output is all it needs", f.action.pos, strings.Join(f.sources, ", ")))
	}
	if newSnapshot == "" || snapshot.IsS3URL(newSnapshot) {
		return problems
	}
	if f.producerProject == nil {
		return append(problems, fmt.Sprintf("%s: --new-snapshot %s: the Migrate action's input %s is the output of no CodeBuild project of these files", g.pos, newSnapshot, f.primary))
	}
	build := f.producerProject.buildspec
	if !e.exports(build, newSnapshot) {
		problems = append(problems, fmt.Sprintf("%s: --new-snapshot %s is not in the artifacts of %s (project %s, output %s)", g.pos, newSnapshot, build, f.producerName, f.primary))
	}
	if !slices.ContainsFunc(f.snapshots, func(l schemagateLine) bool { return path.Clean(l.values["output"]) == path.Clean(newSnapshot) }) {
		problems = append(problems, fmt.Sprintf("%s: --new-snapshot %s: %s writes no such file (schemagate snapshot -o %s)", g.pos, newSnapshot, build, newSnapshot))
	}
	// The gate finds its config upward from the working directory, the
	// build output: the migration directories, the post-deploy one (which
	// sets SKIP_POST_DEPLOYMENT_MIGRATIONS) and the rules come from it.
	cfg := g.values["config"]
	if cfg == "" {
		cfg = config.FileName
	}
	if !filepath.IsAbs(cfg) && !e.exports(build, cfg) {
		problems = append(problems, fmt.Sprintf("%s: the gate reads %s from its working directory, the build output: add it to the artifacts of %s", g.pos, cfg, build))
	}
	if from := g.values["previous-snapshot-from"]; from != "" {
		var uploads []string
		for _, l := range f.snapshots {
			if u := l.values["upload"]; u != "" {
				uploads = append(uploads, u)
			}
		}
		if !slices.Contains(uploads, from) {
			problems = append(problems, fmt.Sprintf("%s: the gate reads snapshots from %s, but %s uploads them to %v", g.pos, from, build, uploads))
		}
	}
	return problems
}

// cloneProblems checks a gate that reads the deployed release from git:
// its source is a clone, and its role may clone it.
func (e *examples) cloneProblems(f releaseFlow, produces map[string]tfAction) []string {
	if f.gate.flags["previous-snapshot-from"] || f.gate.flags["previous-snapshot"] {
		return nil
	}
	var problems []string
	for _, in := range f.sources {
		src := produces[in]
		if src.provider != "CodeStarSourceConnection" && src.provider != "CodeCommit" {
			continue
		}
		if sourceFormat(src) != "CODEBUILD_CLONE_REF" {
			problems = append(problems, src.pos+`: the gate reads the deployed release from git: OutputArtifactFormat = "CODEBUILD_CLONE_REF"`)
		}
		problems = append(problems, e.cloneGrantProblems(f.p, src)...)
	}
	return problems
}

func sourceFormat(src tfAction) string {
	format := ""
	if v, ok := src.config["OutputArtifactFormat"]; ok {
		format, _ = tfLiteral(v)
	}
	return format
}

// cloneGrantProblems says whether a project's role may clone a source
// (CodeBuild clones a CODEBUILD_CLONE_REF artifact itself). Problems with
// the role's documents are permissions' to report.
func (e *examples) cloneGrantProblems(p *tfProject, src tfAction) []string {
	var reported []string
	roleActions := e.roleActions(p.role, &reported)
	need := []string{"codestar-connections:UseConnection", "codeconnections:UseConnection"}
	if src.provider == "CodeCommit" {
		need = []string{"codecommit:GitPull"}
	}
	if slices.ContainsFunc(need, func(a string) bool { return len(roleActions[a]) > 0 }) {
		return nil
	}
	return []string{fmt.Sprintf("%s: role %s cannot clone the %s source: it needs %s", p.pos, p.role, src.provider, strings.Join(need, " or "))}
}
