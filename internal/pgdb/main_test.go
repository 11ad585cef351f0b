package pgdb_test

import (
	"testing"

	"github.com/schemagate/schemagate/internal/pgdb/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }
