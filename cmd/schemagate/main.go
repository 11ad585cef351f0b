// Command schemagate keeps PostgreSQL schema migrations safe to deploy
// while the previous release of the application is still running.
package main

import (
	"os"

	"github.com/schemagate/schemagate/internal/cli"
)

func main() {
	os.Exit(cli.Main(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
