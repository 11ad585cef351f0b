package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/schemagate/schemagate/internal/ecs"
	"github.com/schemagate/schemagate/internal/gate/execrunner"
	"github.com/schemagate/schemagate/internal/redact"
)

func newGateCmd(stdio IO) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "gate",
		Short: "Run the migration only when check passes, wait for it, and fail the pipeline when it fails",
		Long: `Gate replaces the pipeline step that starts the migration (aws ecs run-task, a Kubernetes
job, a script): it runs check against the release that is running, and only when that passes
it runs the migration, waits for it to end, streams its output, and exits with its verdict.

Exit codes: 0 the check passed and the migration succeeded; 1 the check failed (the migration
was not started), the migration failed, or a signal ended the wait; 2 could not run, or the wait
ended without a verdict (the timeout, an endpoint that stopped answering, an answer about the
task that could not be believed).`,
	}
	cmd.AddCommand(newGateECSCmd(stdio), newGateExecCmd(stdio))
	return cmd
}

// gateFlags are what both gate runners share: the check and the
// post-deploy switch.
type gateFlags struct {
	checkFlags
	skipCheck   bool
	postDeploy  bool
	ifUnchecked string
	// postDeployDirs is set when the check read a post-deployment
	// directory (configured, or Rails' db/post_migrate).
	postDeployDirs bool
	// holdReport keeps a passing check's report back until the gate's
	// verdict (gate ecs): a run that then cannot reach ECS exits 2, and
	// must not leave a report that reads as success on standard output.
	holdReport bool
	held       bytes.Buffer
}

func (g *gateFlags) register(cmd *cobra.Command) {
	g.checkFlags.register(cmd)
	cmd.Flags().BoolVar(&g.skipCheck, "skip-check", false, "run the migration without checking it first (an emergency valve; says so loudly)")
	cmd.Flags().BoolVar(&g.postDeploy, "post-deploy", false, "run the post-deployment migrations (the step after the new release is deployed)")
	cmd.Flags().StringVar(&g.ifUnchecked, "if-unchecked", "fail", "when the check cannot run (no migrations found, a release that cannot be read, ...): fail (exit 2, the migration is not started) or run (start it anyway, and say so loudly)")
}

// validate checks gate's flags before anything runs.
func (g *gateFlags) validate() error {
	if g.ifUnchecked != "fail" && g.ifUnchecked != "run" {
		return fmt.Errorf("--if-unchecked %q: want fail or run", g.ifUnchecked)
	}
	if g.skipCheck {
		_, err := g.load() // the config still decides post-deployment directories
		return err
	}
	return g.checkFlags.validate("error")
}

// runGateCheck runs check and prints its report. It returns the exit
// code to stop with, or -1 to go on to the migration.
func runGateCheck(g *gateFlags, stdio IO) (int, error) {
	if g.skipCheck {
		fmt.Fprintln(stdio.Err, "schemagate: WARNING: --skip-check: the migration runs unchecked")
		return -1, nil
	}
	res, cfg, err := runCheck(&g.checkFlags, stdio)
	if err != nil {
		if g.ifUnchecked == "run" {
			fmt.Fprintln(stdio.Err, "schemagate: "+oneLine(err.Error()))
			fmt.Fprintln(stdio.Err, "schemagate: WARNING: --if-unchecked run: THE CHECK COULD NOT RUN, AND THE MIGRATION RUNS UNCHECKED")
			return -1, nil
		}
		return ExitError, fmt.Errorf("%w; the migration was not started (--if-unchecked run starts it anyway)", err)
	}
	for _, d := range res.Dirs {
		g.postDeployDirs = g.postDeployDirs || d.PostDeploy
	}
	level, err := g.failLevel(cfg, "error")
	if err != nil {
		return ExitError, err
	}
	g.considered(stdio, res.Dirs, res.Considered)
	var report bytes.Buffer
	code, err := g.writeReport(&report, stdio.Err, checkRun("gate", res), level)
	if err != nil {
		return ExitError, err
	}
	if g.holdReport && code == ExitClean {
		g.held = report
	} else if _, err := stdio.Out.Write(report.Bytes()); err != nil {
		return ExitError, err
	}
	if code == ExitError {
		if g.ifUnchecked == "run" {
			fmt.Fprintln(stdio.Err, "schemagate: WARNING: --if-unchecked run: FILES THE CHECK COULD NOT READ WENT UNCHECKED, AND THE MIGRATION RUNS")
			return -1, nil
		}
		fmt.Fprintln(stdio.Err, "schemagate: the check could not read every migration: the migration was not started")
		return ExitError, nil
	}
	if code != ExitClean {
		fmt.Fprintln(stdio.Err, "schemagate: the check failed: the migration was not started")
		return code, nil
	}
	return -1, nil
}

// release writes the check's report held back for the gate's verdict:
// on standard output, unless the gate could not run the migration to a
// verdict (exit 2), when the text goes to standard error for people and a
// document for programs is replaced by the error document.
func (g *gateFlags) release(stdio IO, code int) {
	if g.held.Len() == 0 {
		return
	}
	switch {
	case code != ExitError:
		_, _ = stdio.Out.Write(g.held.Bytes())
	case g.format == "text":
		_, _ = stdio.Err.Write(g.held.Bytes())
	}
	g.held.Reset()
}

// signalContext is canceled on SIGINT, SIGTERM, SIGHUP (the terminal or
// the CI runner's session went away) or SIGQUIT: each ends the command
// the same way, saying what it leaves behind, instead of dying silently.
func signalContext() (context.Context, context.CancelFunc) {
	return signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGQUIT)
}

func newGateECSCmd(stdio IO) *cobra.Command {
	var (
		g              gateFlags
		spec           ecs.TaskSpec
		command        string
		containerEnv   []string
		subnets        []string
		securityGroups []string
		pollInterval   time.Duration
	)
	cmd := &cobra.Command{
		Use:   "ecs",
		Short: "Check, then run the migration as a one-off ECS task and wait for its verdict",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			spec.Cluster = g.cluster
			if spec.Cluster == "" || spec.TaskDefinition == "" {
				return fail("gate ecs needs --cluster and --task-definition")
			}
			if len(subnets) == 0 || len(securityGroups) == 0 {
				return fail("gate ecs needs --subnets and --security-groups (the task's awsvpc network configuration)")
			}
			if spec.LaunchType != "" && spec.CapacityProvider != "" {
				return fail("--launch-type and --capacity-provider exclude each other")
			}
			if spec.LaunchType == "" && spec.CapacityProvider == "" {
				spec.LaunchType = "FARGATE"
			}
			argv, err := splitCommand(command)
			if err != nil {
				return fail("--command: %v", err)
			}
			// Without --container the command overrides the essential
			// container's, which the runner finds in the task definition.
			spec.Command = argv
			spec.Subnets, spec.SecurityGroups = subnets, securityGroups
			env, err := parseEnv(containerEnv)
			if err != nil {
				return fail("--env: %v", err)
			}
			if err := spec.Validate(); err != nil {
				return fail("%v", err)
			}
			if err := g.validate(); err != nil {
				return fail("%v", err)
			}
			ctx, stop := signalContext()
			defer stop()
			ecsClient, logsClient, err := ecs.NewClients(ctx, g.region, g.endpointURL)
			if err != nil {
				return fail("%v", err)
			}
			runner := &ecs.Runner{ECS: ecsClient, Logs: logsClient, Out: stdio.Err, Now: time.Now,
				Poll: ecs.PollConfig{Initial: pollInterval, Max: 5 * pollInterval}}
			g.holdReport = true
			if code, err := runGateCheck(&g, stdio); err != nil || code >= 0 {
				if err != nil {
					return fail("%v", err)
				}
				return exitWith(code)
			}
			if g.postDeploy {
				env["SKIP_POST_DEPLOYMENT_MIGRATIONS"] = "false"
			} else if g.hasPostDeploy() {
				// The pre-deploy task must leave post-deployment
				// migrations for the step after the deploy.
				env["SKIP_POST_DEPLOYMENT_MIGRATIONS"] = "true"
			}
			spec.Env = env
			spec.StartedBy = "schemagate"
			spec.Tags = map[string]string{"schemagate:phase": phase(g.postDeploy)}
			if rev := releaseLabel(&g.checkFlags); rev != "" {
				spec.Tags["schemagate:revision"] = rev
			}
			prev := g.checked // the releases checked against; with --skip-check, those named
			if len(prev) == 0 {
				prev = g.previous
			}
			if len(prev) > 0 {
				spec.Tags["schemagate:previous"] = strings.Join(prev, ",")
			}
			res, err := runner.Run(ctx, spec)
			if err != nil {
				g.release(stdio, ExitError)
				return fail("%s", ecs.Printable(err.Error())) // no task was started
			}
			g.release(stdio, res.ExitStatus())
			fmt.Fprintln(stdio.Err, "schemagate: "+res.Line())
			return exitWith(res.ExitStatus())
		},
	}
	g.register(cmd)
	f := cmd.Flags()
	f.StringVar(&spec.TaskDefinition, "task-definition", "", "task definition (family, family:revision or ARN) of the migration task")
	f.StringSliceVar(&subnets, "subnets", nil, "subnets of the task's awsvpc network configuration (comma-separated)")
	f.StringSliceVar(&securityGroups, "security-groups", nil, "security groups of the task (comma-separated)")
	f.BoolVar(&spec.AssignPublicIP, "assign-public-ip", false, "give the task a public IP (Fargate in a public subnet)")
	f.StringVar(&spec.LaunchType, "launch-type", "", "FARGATE (default) or EC2")
	f.StringVar(&spec.CapacityProvider, "capacity-provider", "", "a capacity provider instead of a launch type (e.g. FARGATE_SPOT)")
	f.StringVar(&spec.Container, "container", "", "the container to override (default: the essential one)")
	f.StringVar(&command, "command", "", `the migration command, overriding the container's (e.g. "bin/rails db:migrate")`)
	f.StringArrayVar(&containerEnv, "env", nil, "NAME=VALUE set in the container (repeatable); values are never printed")
	f.DurationVar(&spec.Timeout, "timeout", 30*time.Minute, "give up waiting for the task after this long (exit 2)")
	f.BoolVar(&spec.StopOnCancel, "stop-on-cancel", false, "stop the task when the gate ends without its verdict: a signal, --timeout, a lost endpoint or a refused answer")
	f.DurationVar(&pollInterval, "poll-interval", ecs.DefaultPoll.Initial, "first DescribeTasks interval; it doubles up to five times that")
	return cmd
}

func newGateExecCmd(stdio IO) *cobra.Command {
	var g gateFlags
	cmd := &cobra.Command{
		Use:   "exec [flags] -- CMD [ARGS...]",
		Short: "Check, then run the migration as a local command, streaming its output and exiting with its status",
		RunE: func(cmd *cobra.Command, args []string) error {
			if cmd.ArgsLenAtDash() < 0 || len(args) == 0 {
				return fail("gate exec needs the migration command after --, e.g. schemagate gate exec --previous origin/main -- bin/rails db:migrate")
			}
			if err := g.validate(); err != nil {
				return fail("%v", err)
			}
			if code, err := runGateCheck(&g, stdio); err != nil || code >= 0 {
				if err != nil {
					return fail("%v", err)
				}
				return exitWith(code)
			}
			ctx, stop := signalContext()
			defer stop()
			env := os.Environ()
			if g.hasPostDeploy() {
				env = append(env, "SKIP_POST_DEPLOYMENT_MIGRATIONS="+fmt.Sprint(!g.postDeploy))
			}
			code, err := execrunner.Run(ctx, args, env, stdio.Out)
			switch {
			case errors.Is(err, context.Canceled):
				return &exitError{code: max(code, 1), msg: "interrupted: the migration's end was not seen"}
			case err != nil:
				return &exitError{code: max(code, 1), msg: err.Error()}
			case code != 0:
				return &exitError{code: code, msg: fmt.Sprintf("the migration command exited with status %d", code)}
			}
			return nil
		},
	}
	g.register(cmd)
	return cmd
}

// hasPostDeploy reports whether the project has post-deployment
// migrations: a directory the check read as one (Rails' db/post_migrate),
// or one the config declares.
func (g *gateFlags) hasPostDeploy() bool {
	if g.postDeployDirs {
		return true
	}
	cfg, err := g.load()
	if err != nil {
		return false
	}
	for _, d := range cfg.Migrations {
		if d.PostDeploy {
			return true
		}
	}
	return false
}

func phase(post bool) string {
	if post {
		return "post-deploy"
	}
	return "pre-deploy"
}

// releaseLabel names the release being deployed for the task's tags.
func releaseLabel(f *checkFlags) string {
	if f.deployed != "" {
		return f.deployed // the new snapshot's revision
	}
	if f.newRev != "" {
		return f.newRev
	}
	if v := os.Getenv("CODEBUILD_RESOLVED_SOURCE_VERSION"); v != "" {
		return v
	}
	return ""
}

func parseEnv(list []string) (map[string]string, error) {
	out := map[string]string{}
	for i, kv := range list {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || !redact.EnvName(k) {
			// The value may be the secret itself: never echo it whole.
			return nil, fmt.Errorf("value %d (%s) is not NAME=VALUE with NAME of letters, digits and _", i+1, redact.Env(kv))
		}
		out[k] = v
	}
	return out, nil
}

// splitCommand splits a command line as a POSIX shell would, for quotes
// and backslashes only (no expansion).
func splitCommand(s string) ([]string, error) {
	var out []string
	var cur strings.Builder
	inWord := false
	quote := rune(0)
	escaped := false
	for _, r := range s {
		switch {
		case escaped:
			cur.WriteRune(r)
			escaped = false
		case r == '\\' && quote != '\'':
			escaped, inWord = true, true
		case quote != 0:
			if r == quote {
				quote = 0
			} else {
				cur.WriteRune(r)
			}
		case r == '\'' || r == '"':
			quote, inWord = r, true
		case r == ' ' || r == '\t' || r == '\n':
			if inWord {
				out = append(out, cur.String())
				cur.Reset()
				inWord = false
			}
		default:
			cur.WriteRune(r)
			inWord = true
		}
	}
	if quote != 0 || escaped {
		return nil, errors.New("unterminated quote or escape")
	}
	if inWord {
		out = append(out, cur.String())
	}
	return out, nil
}
