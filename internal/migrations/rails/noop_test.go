package rails

import "testing"

// A migration whose up holds only comments runs nothing: there is no
// code left unchecked to tell about. One with code schemagate does not
// know is told.
func TestNoOpMigration(t *testing.T) {
	noop := "class UpdateMailNotificationValues < ActiveRecord::Migration[4.2]\n  def self.up\n    # No-op\n  end\n\n  def self.down\n    # No-op\n  end\nend\n"
	unknown := "class BuildProjectsTree < ActiveRecord::Migration[4.2]\n  def self.up\n    Project.rebuild_tree!\n  end\nend\n"
	trs := translateAll(t, noop, unknown)
	if len(trs[0].Notes) != 0 {
		t.Errorf("no-op migration: notes %v", trs[0].Notes)
	}
	if len(trs[1].Notes) == 0 {
		t.Error("a migration of unknown code has no note")
	}
}
