package orm

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/schemagate/schemagate/internal/source"
)

// Rails 7 generates ApplicationRecord with `primary_abstract_class`: its
// subclasses are models of their own tables, not STI children.
func TestPrimaryAbstractClass(t *testing.T) {
	files := []*source.File{
		source.NewFile("app/models/application_record.rb", []byte("class ApplicationRecord < ActiveRecord::Base\n  primary_abstract_class\nend\n")),
		source.NewFile("app/models/user.rb", []byte("class User < ApplicationRecord\n  validates :email, presence: true\nend\n")),
	}
	rs, err := NewActiveRecord(nil).ExtractFiles(files)
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for _, r := range rs {
		tables = append(tables, r.File+" "+r.Table)
	}
	if diff := cmp.Diff([]string{"app/models/user.rb users"}, tables); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}
