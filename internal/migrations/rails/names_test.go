package rails

import (
	"encoding/json"
	"os/exec"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/schemagate/schemagate/internal/migrations/migration"
)

// namesScript asks the packaged ActiveSupport and ActiveRecord for the
// inflections and default names the translator reproduces.
const namesScript = `
require "json"
require "active_record"
input = JSON.parse(STDIN.read)
o = Object.new.extend(ActiveRecord::ConnectionAdapters::SchemaStatements)
out = {
  "plural" => input["words"].map(&:pluralize),
  "singular" => input["words"].map(&:singularize),
  "fk" => input["fks"].map { |t, c| o.send(:foreign_key_name, t, column: c) },
  "chk" => input["checks"].map { |t, e| o.send(:check_constraint_name, t, expression: e) },
  "index" => input["indexes"].map { |t, cols| o.index_name(t, cols) },
  "join" => input["joins"].map { |a, b| o.send(:find_join_table_name, a, b) },
}
print JSON.generate(out)
`

// TestNamesMatchActiveRecord compares inflections and default names with
// what ActiveSupport and ActiveRecord compute themselves.
func TestNamesMatchActiveRecord(t *testing.T) {
	ruby := requireActiveRecord(t)
	words := []string{"user", "users", "person", "people", "category", "status", "statuses", "address", "child",
		"mouse", "ox", "octopus", "analysis", "series", "fish", "information", "user_information", "company",
		"half", "knife", "axis", "quiz", "matrix", "index", "bus", "tomato", "hive", "news", "salesperson",
		"move", "sheep", "line_item", "box", "wife", "databases", "crisis", "vertex", "movie", "shoe", "alias"}
	fks := [][2]string{{"users", "account_id"}, {"line_items", "order_id"}, {"audit.events", "user_id"}}
	checks := [][2]string{{"users", "char_length(name) <= 100"}, {"products", "price > 0"}}
	indexes := []struct {
		Table string
		Cols  any
	}{{"users", []string{"email"}}, {"users", []string{"account_id", "created_at"}}, {"users", "lower(email)"}, {"posts", "title"}}
	joins := [][2]string{{"posts", "tags"}, {"tags", "posts"}, {"music_artists", "music_records"}, {"people", "projects"}}
	idxIn := make([][2]any, len(indexes))
	for i, x := range indexes {
		idxIn[i] = [2]any{x.Table, x.Cols}
	}
	in, _ := json.Marshal(map[string]any{"words": words, "fks": fks, "checks": checks, "indexes": idxIn, "joins": joins})
	cmd := exec.Command(ruby, "-e", namesScript)
	cmd.Stdin = strings.NewReader(string(in))
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("ruby: %v", err)
	}
	var want map[string][]string
	if err := json.Unmarshal(out, &want); err != nil {
		t.Fatalf("ruby printed %q: %v", out, err)
	}
	got := map[string][]string{}
	for _, w := range words {
		got["plural"] = append(got["plural"], pluralize(w))
		got["singular"] = append(got["singular"], singularize(w))
	}
	for _, f := range fks {
		got["fk"] = append(got["fk"], foreignKeyName(f[0], []string{f[1]}))
	}
	for _, c := range checks {
		got["chk"] = append(got["chk"], checkConstraintName(c[0], c[1]))
	}
	for _, x := range indexes {
		var cols []string
		switch c := x.Cols.(type) {
		case string:
			if isExpression(c) {
				cols = expressionNameColumns(c)
			} else {
				cols = []string{c}
			}
		case []string:
			cols = c
		}
		got["index"] = append(got["index"], indexName(x.Table, cols, false))
	}
	for _, j := range joins {
		got["join"] = append(got["join"], joinTableName(j[0], j[1]))
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("names differ from ActiveRecord's (-activerecord +ours):\n%s", diff)
	}
}

// TestLongIndexNames: Rails 7.1 shortens default index names over 62
// bytes to idx_on_<columns>_<10 hex of SHA-256>; older migrations are
// refused by Rails, which the translation reports.
func TestLongIndexNames(t *testing.T) {
	body := `create_table :subscription_notifications do |t|
  t.references :notification_preference_category, index: true
end
`
	for _, tc := range []struct {
		version, index string
		note           bool
	}{
		// printf %s index_subscription_notifications_on_notification_preference_category_id | sha256sum
		{"7.1", "idx_on_notification_preference_category_id_032bf0a799", false},
		// Rails 7.0 refuses the 71-byte default name; were it sent,
		// PostgreSQL would cut it to 63 bytes.
		{"7.0", "index_subscription_notifications_on_notification_preference_cat", true},
	} {
		t.Run(tc.version, func(t *testing.T) {
			tr := translateAll(t, class(tc.version, body))[0]
			var names []string
			for _, op := range tr.Ops {
				if op.Index != nil {
					names = append(names, op.Index.Name)
				}
			}
			if diff := cmp.Diff([]string{tc.index}, names); diff != "" {
				t.Errorf("index names (-want +got):\n%s", diff)
			}
			var notes []string
			for _, n := range tr.Notes {
				notes = append(notes, string(n.Kind)+": "+n.Message)
			}
			if tc.note != (len(notes) == 1 && strings.Contains(notes[0], "longer than 63 characters")) {
				t.Errorf("notes = %q, want a too-long note: %v", notes, tc.note)
			}
		})
	}
	// A later remove_index by column finds the hashed name.
	trs := translateAll(t, class("7.1", body), class("7.1", "remove_index :subscription_notifications, :notification_preference_category_id\n"))
	if got := trs[1].Ops[0].Object.Name; got != "idx_on_notification_preference_category_id_032bf0a799" {
		t.Errorf("remove_index dropped %q", got)
	}
	if trs[1].Ops[0].Kind != "drop-index" || len(trs[1].Notes) != 0 {
		t.Errorf("remove_index: %+v, notes %+v", trs[1].Ops[0], trs[1].Notes)
	}
	_ = migration.NoteUnrecognised
}
