package verify_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/schemagate/schemagate/internal/pgdb/pgtest"
	"github.com/schemagate/schemagate/internal/verify"
)

func TestMain(m *testing.M) { pgtest.Main(m, closeSandbox) }

// The sandbox the tests share: each run makes a database of its own in
// it, as verify.RunOn does.
var shared struct {
	once sync.Once
	sb   *verify.Sandbox
	err  error
}

func sandbox(t testing.TB) *verify.Sandbox {
	t.Helper()
	shared.once.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		shared.sb, shared.err = verify.OpenSandbox(ctx, "")
	})
	if shared.err != nil {
		pgtest.Unavailable(t, shared.err)
	}
	return shared.sb
}

func closeSandbox() error {
	if shared.sb == nil {
		return nil
	}
	return shared.sb.Close()
}
