package migrations

import (
	"io/fs"
	"os"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/schemagate/schemagate/internal/benchgen"
	"github.com/schemagate/schemagate/internal/migrations/migration"
)

// The deployed release's Rails migrations, translated through the memo
// after the new release's, are exactly what translating them alone gives;
// a release that is not a prefix is translated anew.
func TestMemoGivesTheSameTranslations(t *testing.T) {
	files := map[string]string{
		"db/migrate/20240101000000_create_users.rb": "class CreateUsers < ActiveRecord::Migration[7.1]\n  def change\n    create_table :users do |t|\n      t.string :email\n    end\n    add_index :users, :email\n  end\nend\n",
		"db/migrate/20240102000000_add_karma.rb":    "class AddKarma < ActiveRecord::Migration[7.1]\n  disable_ddl_transaction!\n  def change\n    add_column :users, :karma, :integer\n    add_index :users, :karma, algorithm: :concurrently\n  end\nend\n",
	}
	next := mapFSOf(files)
	next["db/migrate/20240103000000_drop_karma.rb"] = &fstest.MapFile{Data: []byte("class DropKarma < ActiveRecord::Migration[7.1]\n  def change\n    remove_column :users, :karma\n  end\nend\n")}
	prev := mapFSOf(files)
	edited := mapFSOf(files)
	edited["db/migrate/20240102000000_add_karma.rb"] = &fstest.MapFile{Data: []byte("class AddKarma < ActiveRecord::Migration[7.1]\n  def change\n    add_column :users, :karma, :bigint\n  end\nend\n")}

	memo := NewMemo()
	if _, err := Load(next, Config{Memo: memo}); err != nil {
		t.Fatal(err)
	}
	for name, tree := range map[string]fstest.MapFS{"prefix": prev, "edited": edited} {
		viaMemo, err := Load(tree, Config{Memo: memo})
		if err != nil {
			t.Fatal(err)
		}
		alone, err := Load(tree, Config{})
		if err != nil {
			t.Fatal(err)
		}
		opts := []cmp.Option{cmpopts.IgnoreFields(migration.Migration{}, "File"), cmpopts.EquateEmpty()}
		if diff := cmp.Diff(alone.Migrations, viaMemo.Migrations, opts...); diff != "" {
			t.Errorf("%s: through the memo (-alone +memo):\n%s", name, diff)
		}
		if len(viaMemo.Migrations) == 0 || len(viaMemo.Migrations[0].Ops) == 0 {
			t.Fatalf("%s: nothing translated", name)
		}
	}
}

// djangoReleases writes a generated Django project's deployed release
// and its new one (spec.Pending migrations more) in two directories.
func djangoReleases(t *testing.T, spec benchgen.DjangoSpec) (prevDir, nextDir string) {
	t.Helper()
	prevDir, nextDir = t.TempDir(), t.TempDir()
	if _, err := benchgen.DjangoProject(prevDir, spec); err != nil {
		t.Fatal(err)
	}
	next, err := benchgen.DjangoProject(nextDir, spec)
	if err != nil {
		t.Fatal(err)
	}
	if err := next(); err != nil {
		t.Fatal(err)
	}
	return prevDir, nextDir
}

// Both releases of a Django project read through one memo (which shares
// the files' syntax trees) are read as each alone.
func TestMemoSharesDjangoTrees(t *testing.T) {
	spec := benchgen.DjangoSpec{Apps: 3, Migrations: 30, Pending: 5, CodeLines: 10}
	prevDir, nextDir := djangoReleases(t, spec)
	memo := NewMemo()
	defer memo.Close()
	for _, dir := range []string{nextDir, prevDir} {
		viaMemo, err := Load(os.DirFS(dir), Config{Memo: memo})
		if err != nil {
			t.Fatal(err)
		}
		alone, err := Load(os.DirFS(dir), Config{})
		if err != nil {
			t.Fatal(err)
		}
		if len(alone.Migrations) < spec.Migrations {
			t.Fatalf("read %d migrations", len(alone.Migrations))
		}
		sameResult(t, dir, alone, viaMemo)
	}
}

// check reads both releases at once through one memo: the deployed
// release's Rails migrations wait (After) for the new release's
// translations, a Django project's trees are parsed by whichever read
// comes first, and each release reads as it does alone.
func TestMemoReadsBothReleasesAtOnce(t *testing.T) {
	djPrev, djNext := djangoReleases(t, benchgen.DjangoSpec{Apps: 3, Migrations: 30, Pending: 5, CodeLines: 10})
	files := map[string]string{
		"db/migrate/20240101000000_create_users.rb": "class CreateUsers < ActiveRecord::Migration[7.1]\n  def change\n    create_table :users do |t|\n      t.string :email\n    end\n  end\nend\n",
	}
	railsPrev, railsNext := mapFSOf(files), mapFSOf(files)
	railsNext["db/migrate/20240102000000_add_karma.rb"] = &fstest.MapFile{Data: []byte("class AddKarma < ActiveRecord::Migration[7.1]\n  def change\n    add_column :users, :karma, :integer\n  end\nend\n")}
	for name, pair := range map[string][2]fs.FS{
		"django": {os.DirFS(djPrev), os.DirFS(djNext)},
		"rails":  {railsPrev, railsNext},
	} {
		memo := NewMemo()
		newRead := make(chan struct{})
		var prev *Result
		var prevErr error
		var wg sync.WaitGroup
		wg.Go(func() { prev, prevErr = Load(pair[0], Config{Memo: memo, After: newRead}) })
		next, err := Load(pair[1], Config{Memo: memo})
		close(newRead)
		wg.Wait()
		memo.Close()
		if err != nil || prevErr != nil {
			t.Fatal(name, err, prevErr)
		}
		for i, got := range []*Result{prev, next} {
			alone, err := Load(pair[i], Config{})
			if err != nil {
				t.Fatal(err)
			}
			if len(alone.Migrations) == 0 || len(alone.Migrations[0].Ops) == 0 {
				t.Fatalf("%s: nothing translated", name)
			}
			sameResult(t, name, alone, got)
		}
	}
}
