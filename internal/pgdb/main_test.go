package pgdb_test

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/schemagate/schemagate/internal/pgdb"
	"github.com/schemagate/schemagate/internal/pgdb/pgtest"
)

// envStartCluster makes the test binary start a cluster in the directory
// it names, print the cluster's directory and wait to be killed: a run
// that dies without stopping its cluster.
const envStartCluster = "SCHEMAGATE_TEST_START_CLUSTER_IN"

func TestMain(m *testing.M) {
	if parent := os.Getenv(envStartCluster); parent != "" {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		c, err := pgdb.StartCluster(ctx, pgdb.ClusterOptions{Parent: parent})
		cancel()
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		fmt.Println(c.Dir)
		time.Sleep(10 * time.Minute)
		os.Exit(1)
	}
	pgtest.Main(m)
}
