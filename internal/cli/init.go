package cli

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/schemagate/schemagate/internal/config"
	"github.com/schemagate/schemagate/internal/initcfg"
	"github.com/schemagate/schemagate/internal/safefs"
)

func newInitCmd(stdio IO) *cobra.Command {
	var force bool
	cmd := &cobra.Command{
		Use:   "init [DIR]",
		Short: "Write a commented schemagate.yaml for the project's layout, and say what to run next",
		Long: `Init finds the project's migration directories the way every command does without a config,
the PostgreSQL version the project names (docker-compose images, CI service images,
.tool-versions) and its CI (GitHub Actions, GitLab CI, CodeBuild), and writes DIR/schemagate.yaml
(DIR defaults to the working directory) with every key explained. It never overwrites an existing
file without --force.

Exit codes: 0 written, 2 could not (the file exists, DIR cannot be read or written).`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			dir := "."
			if len(args) == 1 {
				dir = args[0]
			}
			if st, err := os.Stat(dir); err != nil || !st.IsDir() {
				return fail("init: %s is not a directory", dir)
			}
			target := filepath.Join(dir, config.FileName)
			if _, err := os.Lstat(target); err == nil && !force {
				return fail("%s exists; --force overwrites it", target)
			} else if err != nil && !errors.Is(err, fs.ErrNotExist) {
				return fail("%v", err)
			}
			p, err := initcfg.Detect(safefs.Dir(dir))
			if err != nil {
				return fail("%v", err)
			}
			data := p.Render(ToolVersion())
			if err := writeFileAtomic(target, data); err != nil {
				return fail("%v", err)
			}
			// What was written is read the way every command reads it.
			if _, err := config.Load(target); err != nil {
				return fail("the config init wrote does not load (a bug; please report it): %v", err)
			}
			fmt.Fprintf(stdio.Err, "schemagate: wrote %s: %d migration director%s", target, len(p.Dirs), map[bool]string{true: "y", false: "ies"}[len(p.Dirs) == 1])
			if major := p.PGMajor(); major > 0 {
				fmt.Fprintf(stdio.Err, ", PostgreSQL %d", major)
			}
			fmt.Fprintln(stdio.Err)
			fmt.Fprint(stdio.Out, p.NextSteps(releaseForExamples()))
			return nil
		},
	}
	cmd.Flags().BoolVar(&force, "force", false, "overwrite an existing schemagate.yaml")
	return cmd
}

// releaseForExamples is the version the next steps pin: this one when it
// is a release, else the first release.
func releaseForExamples() string {
	v := ToolVersion()
	if v == "dev" || v == "" {
		return "v0.1.0"
	}
	return v
}

// writeFileAtomic writes data to path through a temporary file in the
// same directory, so a failure never leaves half a config.
func writeFileAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".schemagate-*.yaml")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
