package verify

import (
	"context"
	"errors"
	"fmt"

	"github.com/schemagate/schemagate/internal/pgdb"
	"github.com/schemagate/schemagate/internal/redact"
)

// Server is where verify works: a scratch database on the server
// --database-url names, or on a throwaway cluster started for the run.
// Nothing outside the scratch databases it creates is ever written to.
type Server struct {
	// Name describes the server for notes: "embedded PostgreSQL 15 in
	// /usr/lib/postgresql/15/bin" or the redacted URL.
	Name string
	// Version is the server's major version; Full its version string.
	Version int
	Full    string

	adminURL string
	cluster  *pgdb.Cluster
	scratch  []*pgdb.Scratch
}

// Open connects to databaseURL (empty: starts an embedded cluster with
// the server binaries found on the machine) and checks that the role may
// create databases. Close it on every path, also after ctx ends.
func Open(ctx context.Context, databaseURL string) (_ *Server, err error) {
	s := &Server{adminURL: databaseURL}
	if databaseURL == "" {
		c, err := pgdb.StartCluster(ctx, pgdb.ClusterOptions{})
		if err != nil {
			return nil, err
		}
		s.cluster = c
		s.adminURL = c.URL("postgres")
		s.Name = fmt.Sprintf("embedded PostgreSQL %d from %s", c.Version, c.BinDir)
	} else {
		s.Name = redact.ConnString(databaseURL)
	}
	defer func() {
		if err != nil {
			_ = s.Close()
		}
	}()
	conn, err := pgdb.Connect(ctx, s.adminURL)
	if err != nil {
		return nil, err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	if s.Version, s.Full, err = pgdb.ServerVersion(ctx, conn); err != nil {
		return nil, err
	}
	if s.cluster == nil {
		s.Name = fmt.Sprintf("PostgreSQL %s at %s", s.Full, s.Name)
	}
	return s, nil
}

// NewDatabase creates an empty scratch database and returns its
// connection string; Close drops it.
func (s *Server) NewDatabase(ctx context.Context) (string, error) {
	sc, err := pgdb.NewScratch(ctx, s.adminURL)
	if err != nil {
		return "", err
	}
	s.scratch = append(s.scratch, sc)
	return sc.URL, nil
}

// Close drops every scratch database and stops the embedded cluster. It
// ignores cancellation of the run's context: cleanup happens after a
// timeout or a signal too.
func (s *Server) Close() error {
	var errs []error
	for _, sc := range s.scratch {
		if err := sc.Drop(context.Background()); err != nil {
			errs = append(errs, err)
		}
	}
	s.scratch = nil
	if s.cluster != nil {
		if err := s.cluster.Stop(); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}
