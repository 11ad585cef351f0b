// Command gen writes the benchmark inputs of package benchgen, so that
// scripts (scripts/bench-vs-squawk.sh) can run other tools on them:
//
//	go run ./internal/benchgen/gen corpus DIR   # 2,000 goose migrations, 8 MB
//	go run ./internal/benchgen/gen long FILE LINES
//	go run ./internal/benchgen/gen django DIR   # git repo, tags v1 and v2, 1,420 migrations
package main

import (
	"context"
	"fmt"
	"os"
	"strconv"

	"github.com/schemagate/schemagate/internal/benchgen"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(2)
	}
}

func run(args []string) error {
	if len(args) < 2 {
		return fmt.Errorf("usage: gen corpus DIR | gen long FILE LINES | gen django DIR")
	}
	switch args[0] {
	case "corpus":
		return benchgen.MigrationCorpus(args[1], 2000, 4000)
	case "django":
		return benchgen.DjangoGitRepo(context.Background(), args[1], benchgen.DefaultDjango)
	case "long":
		if len(args) != 3 {
			return fmt.Errorf("usage: gen long FILE LINES")
		}
		n, err := strconv.Atoi(args[2])
		if err != nil {
			return fmt.Errorf("LINES: %w", err)
		}
		return os.WriteFile(args[1], []byte(benchgen.LongMigration(n)), 0o644)
	}
	return fmt.Errorf("unknown input %q (want corpus, long or django)", args[0])
}
