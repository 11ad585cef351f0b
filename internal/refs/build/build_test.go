package build

import (
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"

	"github.com/schemagate/schemagate/internal/refs/scan"
)

// One tree with a query file, Go code and a Rails model: every extractor
// kind contributes, and a second build of the same tree id comes from the
// cache with the same references.
func TestIndexAndCache(t *testing.T) {
	fsys := fstest.MapFS{
		"db/queries/users.sql":    {Data: []byte("-- name: GetUser :one\nSELECT id, email FROM users WHERE id = $1;\n")},
		"internal/store/store.go": {Data: []byte("package store\n\nconst q = `UPDATE orders SET status = $1 WHERE id = $2`\n")},
		"app/models/user.rb":      {Data: []byte("class User < ApplicationRecord\nend\n")},
	}
	opt := Options{Cache: &scan.Cache{Dir: t.TempDir()}, TreeID: "tree-1", Version: "test"}
	idx, _, cached, err := Index(fsys, opt)
	if err != nil || cached {
		t.Fatalf("cached=%v err=%v", cached, err)
	}
	sources := map[string]bool{}
	for _, r := range idx.Refs {
		sources[string(r.Source)] = true
	}
	if diff := cmp.Diff(map[string]bool{"sql": true, "go": true, "activerecord": true}, sources); diff != "" {
		t.Errorf("sources (-want +got):\n%s", diff)
	}
	again, _, cached, err := Index(fsys, opt)
	if err != nil || !cached {
		t.Fatalf("second build: cached=%v err=%v", cached, err)
	}
	if diff := cmp.Diff(len(idx.Refs), len(again.Refs)); diff != "" {
		t.Errorf("cached index differs: %s", diff)
	}
	if CacheVersion("v1.2.3") != "v1.2.3" || CacheVersion("dev") == "dev" {
		t.Errorf("CacheVersion: %q %q", CacheVersion("v1.2.3"), CacheVersion("dev"))
	}
}
