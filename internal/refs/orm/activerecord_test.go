package orm

import (
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/schemagate/schemagate/internal/refs"
	"github.com/schemagate/schemagate/internal/source"
)

func ar(file string, line, col int, snippet, table string, ignored ...string) refs.Reference {
	return withIgnored(model(refs.ActiveRecord, file, line, col, snippet, table), ignored...)
}

// attr is an attribute use of a model's column.
func attr(file string, line, col int, snippet, table, column string) refs.Reference {
	r := model(refs.ActiveRecord, file, line, col, snippet, table)
	r.Column, r.Usage = column, refs.Attribute
	return r
}

// always says a model writes col on every insert, at line.
func always(r refs.Reference, col string, line int, snippet string) refs.Reference {
	r.Writes = append(r.Writes, refs.Write{Column: col, Always: true, Line: line, Snippet: snippet})
	return r
}

func TestActiveRecordExtract(t *testing.T) {
	const m = "app/models/"
	tests := []struct {
		file string
		want []refs.Reference
	}{
		{m + "application_record.rb", nil},
		{m + "user.rb", []refs.Reference{
			always(ar(m+"user.rb", 13, 1, "class User < ApplicationRecord", "users", "legacy_token", "avatar_url"),
				"email", 21, "validates :email, presence: true, uniqueness: true"),
			attr(m+"user.rb", 23, 23, "scope :active, -> { where(active: true) }", "users", "active"),
		}},
		{m + "project.rb", []refs.Reference{
			// No config/application.rb among the files: belongs_to is
			// required, as in every app generated since Rails 5.
			always(ar(m+"project.rb", 3, 1, "class Project < ApplicationRecord", "projects",
				"mirror_last_update_at", "emails_disabled", "build_coverage_regex", "pages_https_only",
				"issues_template", "container_registry_enabled", "import_url_legacy"),
				"namespace_id", 13, "belongs_to :namespace"),
		}},
		{m + "order.rb", []refs.Reference{
			always(ar(m+"order.rb", 1, 1, "class Order < ApplicationRecord", "sales_orders",
				"legacy_state", "old_total", "notes_html", "coupon_code"),
				"user_id", 7, "belongs_to :user"),
		}},
		{m + "vehicle.rb", []refs.Reference{
			ar(m+"vehicle.rb", 1, 1, "class Vehicle < ApplicationRecord", "vehicles", "vin_legacy"),
			ar(m+"vehicle.rb", 5, 1, "class Car < Vehicle", "vehicles", "vin_legacy"),
			ar(m+"vehicle.rb", 8, 1, "class Truck < Vehicle", "vehicles", "vin_legacy", "payload_lbs"),
			ar(m+"vehicle.rb", 12, 1, "class Trailer < Vehicle", "vehicles", "hitch_type"),
		}},
		// The STI parent lives in another file: its tableized name.
		{m + "bus.rb", []refs.Reference{
			always(ar(m+"bus.rb", 1, 1, "class Bus < Vehicle", "vehicles"), "seats", 2, "validates :seats, numericality: true"),
		}},
		{m + "billing.rb", nil},
		// Alone, the Billing prefix and the Gitlab constant are unknown.
		{m + "billing/invoice.rb", []refs.Reference{
			ar(m+"billing/invoice.rb", 2, 3, "class Invoice < ApplicationRecord", "invoices",
				"pdf_blob", "@const:Gitlab::Legacy::INVOICE_COLUMNS"),
		}},
		{m + "admin/audit_log.rb", []refs.Reference{
			always(ar(m+"admin/audit_log.rb", 2, 3, "class AuditLog < ApplicationRecord", "audit_logs"), "user_id", 3, "belongs_to :user"),
			ar(m+"admin/audit_log.rb", 7, 1, "class Admin::Setting < ApplicationRecord", "admin_settings"),
			ar(m+"admin/audit_log.rb", 14, 3, "class DailyStat < ApplicationRecord", "reporting_daily_stats"),
			withSchema(ar(m+"admin/audit_log.rb", 17, 3, "class Snapshot < ApplicationRecord", "snapshots"), "analytics"),
		}},
		{m + "post.rb", []refs.Reference{
			ar(m+"post.rb", 1, 1, "class Post < ApplicationRecord", "posts"),
			ar(m+"post.rb", 4, 3, "class Comment < ApplicationRecord", "post_comments"),
			ar(m+"post.rb", 14, 1, "class PageView < AnalyticsRecord", "page_views"),
			ar(m+"post.rb", 17, 1, "class Person < ApplicationRecord", "people"),
			func() refs.Reference {
				r := ar(m+"post.rb", 20, 1, "class Category < ApplicationRecord", "categories")
				r.Certainty = refs.Ambiguous // table_name is computed at runtime
				return r
			}(),
		}},
		{m + "money.rb", nil},
		{m + "concerns/soft_deletable.rb", nil},
		{"app/services/checkout.rb", nil},
		// The broken class is lost; the one after it still parses.
		{m + "broken.rb", []refs.Reference{
			ar(m+"broken.rb", 6, 1, "class Survivor < ApplicationRecord", "survivors", "gone"),
		}},
		// Alone, neither file knows Ci::ApplicationRecord's prefix.
		{m + "ci/application_record.rb", nil},
		{m + "ci/build.rb", []refs.Reference{
			ar(m+"ci/build.rb", 4, 3, "class Build < Ci::ApplicationRecord", "builds", "token_encrypted_old"),
		}},
		{m + "ci/bridge.rb", []refs.Reference{
			always(ar(m+"ci/bridge.rb", 4, 3, "class Bridge < Build", "builds"),
				"downstream_pipeline_id", 5, `belongs_to :downstream_pipeline, class_name: "::Ci::Pipeline"`),
		}},
		{m + "staff.rb", []refs.Reference{
			ar(m+"staff.rb", 1, 1, "class Staff < ApplicationRecord", "staffs"),
			ar(m+"staff.rb", 4, 1, "class Cactus < ApplicationRecord", "cactus"),
			ar(m+"staff.rb", 7, 1, "class OAuthAccessToken < ApplicationRecord", "o_auth_access_tokens"),
		}},
	}
	x := NewActiveRecord(nil)
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			checkExtract(t, x, tt.file, "rails/"+tt.file, tt.want)
		})
	}
}

func TestActiveRecordWithAppInflections(t *testing.T) {
	const file = "config/initializers/inflections.rb"
	infl, _ := ParseInflections(file, readTestdata(t, "rails/"+file)) // its one bad rule is tested elsewhere
	const m = "app/models/staff.rb"
	checkExtract(t, NewActiveRecord(infl), m, "rails/"+m, []refs.Reference{
		ar(m, 1, 1, "class Staff < ApplicationRecord", "staff"),
		ar(m, 4, 1, "class Cactus < ApplicationRecord", "cacti"),
		ar(m, 7, 1, "class OAuthAccessToken < ApplicationRecord", "oauth_access_tokens"),
	})
}

// ExtractFiles resolves what one file cannot: the Billing module's
// prefix, a constant in lib/, the STI parent's ignored columns.
func TestActiveRecordExtractFiles(t *testing.T) {
	var files []*source.File
	for _, p := range []string{
		"app/models/application_record.rb",
		"app/models/vehicle.rb",
		"app/models/bus.rb",
		"app/models/billing.rb",
		"app/models/billing/invoice.rb",
		"lib/gitlab/legacy.rb",
		"app/models/ci/bridge.rb",
		"app/models/ci/application_record.rb",
		"app/models/ci/build.rb",
	} {
		files = append(files, source.NewFile(p, readTestdata(t, "rails/"+p)))
	}
	got, err := NewActiveRecord(nil).ExtractFiles(files)
	if err != nil {
		t.Fatal(err)
	}
	const v = "app/models/vehicle.rb"
	want := []refs.Reference{
		ar(v, 1, 1, "class Vehicle < ApplicationRecord", "vehicles", "vin_legacy"),
		ar(v, 5, 1, "class Car < Vehicle", "vehicles", "vin_legacy"),
		ar(v, 8, 1, "class Truck < Vehicle", "vehicles", "vin_legacy", "payload_lbs"),
		ar(v, 12, 1, "class Trailer < Vehicle", "vehicles", "hitch_type"),
		always(ar("app/models/bus.rb", 1, 1, "class Bus < Vehicle", "vehicles", "vin_legacy"), "seats", 2, "validates :seats, numericality: true"),
		ar("app/models/billing/invoice.rb", 2, 3, "class Invoice < ApplicationRecord", "billing_invoices", "pdf_blob", "tax_cents_old"),
		// The prefix comes from the abstract base, the STI parent from a
		// file given after this one.
		always(ar("app/models/ci/bridge.rb", 4, 3, "class Bridge < Build", "ci_builds", "token_encrypted_old"),
			"downstream_pipeline_id", 5, `belongs_to :downstream_pipeline, class_name: "::Ci::Pipeline"`),
		ar("app/models/ci/build.rb", 4, 3, "class Build < Ci::ApplicationRecord", "ci_builds", "token_encrypted_old"),
	}
	if diff := cmp.Diff(want, got, cmpRefs); diff != "" {
		t.Errorf("ExtractFiles mismatch (-want +got):\n%s", diff)
	}
}

// ExtractFiles picks up the app's inflections when it is given them.
func TestActiveRecordExtractFilesInflections(t *testing.T) {
	var files []*source.File
	for _, p := range []string{"config/initializers/inflections.rb", "app/models/staff.rb"} {
		files = append(files, source.NewFile(p, readTestdata(t, "rails/"+p)))
	}
	got, err := NewActiveRecord(nil).ExtractFiles(files)
	if err == nil || !strings.Contains(err.Error(), "inflections.rb:8:3") {
		t.Errorf("err = %v, want the unreadable rule at inflections.rb:8:3", err)
	}
	const m = "app/models/staff.rb"
	checkRefs(t, []refs.Reference{
		ar(m, 1, 1, "class Staff < ApplicationRecord", "staff"),
		ar(m, 4, 1, "class Cactus < ApplicationRecord", "cacti"),
		ar(m, 7, 1, "class OAuthAccessToken < ApplicationRecord", "oauth_access_tokens"),
	}, got)
}

// Inline cases for the remaining spellings.
func TestActiveRecordSpellings(t *testing.T) {
	tests := []struct {
		name, src string
		table     string
		ignored   []string
	}{
		{"self reader plus", `class A < ApplicationRecord
  self.ignored_columns = self.ignored_columns + ["a1"]
end`, "as", []string{"a1"}},
		{"symbol array with or-assign", `class B < ApplicationRecord
  self.ignored_columns |= %i[b1 b2]
end`, "bs", []string{"b1", "b2"}},
		{"push and conditional", `class C < ApplicationRecord
  ignored_columns.push("c1")
  self.ignored_columns += %w[c2] if Rails.env.production?
end`, "cs", []string{"c1", "c2"}},
		{"constant with splat and freeze", `class D < ActiveRecord::Base
  OLD = %w[d1].freeze
  NEWER = (OLD + [:d2]).freeze
  self.ignored_columns = [*NEWER, "d3"]
end`, "ds", []string{"d1", "d2", "d3"}},
		{"reader method table name", `class E < ::ActiveRecord::Base
  class << self
    def table_name
      "legacy_e"
    end
  end
end`, "legacy_e", nil},
		{"no pluralize", `class Fox < ApplicationRecord
  self.pluralize_table_names = false
end`, "fox", nil},
		{"symbol table name and suffix ignored", `class G < Ci::ApplicationRecord
  self.table_name = :p_ci_builds
  self.ignored_columns = %w[g1]
  self.ignored_columns += %w[g1 g2]
end`, "p_ci_builds", []string{"g1", "g2"}},
		{"replace resets", `class H < ApplicationRecord
  self.ignored_columns += %w[h1]
  self.ignored_columns = %w[h2]
end`, "hs", []string{"h2"}},
		{"table_name_suffix", `class Item < ApplicationRecord
  self.table_name_suffix = "_v2"
end`, "items_v2", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := NewActiveRecord(nil).Extract("app/models/x.rb", []byte(tt.src))
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != 1 {
				t.Fatalf("got %d references, want 1: %+v", len(got), got)
			}
			first := strings.SplitN(tt.src, "\n", 2)[0]
			want := ar("app/models/x.rb", 1, 1, first, tt.table, tt.ignored...)
			if diff := cmp.Diff(want, got[0], cmpRefs); diff != "" {
				t.Errorf("mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestActiveRecordNotModels(t *testing.T) {
	srcs := map[string]string{
		"app/models/x.rb": `class CreateUsers < ActiveRecord::Migration[7.1]
end
class Report < Struct.new(:a)
end
class Reopened
  self.ignored_columns = %w[x]
end
module Sluggable
  def self.table_name_prefix; "s_"; end
end
`,
		"lib/importer.rb": `class Importer < BaseImporter
  def run; User.where(email: nil); end
end`,
		"app/models/empty.rb": "",
	}
	for p, src := range srcs {
		got, err := NewActiveRecord(nil).Extract(p, []byte(src))
		if err != nil || len(got) != 0 {
			t.Errorf("Extract(%s) = %+v, %v; want nothing", p, got, err)
		}
	}
}

func TestActiveRecordMatch(t *testing.T) {
	x := NewActiveRecord(nil)
	for p, want := range map[string]bool{
		"app/models/user.rb":                       true,
		"engines/billing/app/models/invoice.rb":    true,
		"lib/models/legacy.rb":                     true,
		"app/models/user.py":                       false,
		"db/migrate/20240101000000_create_x.rb":    false,
		"db/post_migrate/20240101000000_drop_x.rb": false,
		"db/schema.rb":                             false,
		"spec/models/user_spec.rb":                 false,
		"test/models/user_test.rb":                 false,
		"config/initializers/inflections.rb":       true, // for ExtractFiles
		"config/initializers/devise.rb":            true, // may set belongs_to_required_by_default
		"config/application.rb":                    true,
		"config/environments/production.rb":        false,
		"vendor/bundle/gems/x/lib/y.rb":            false,
	} {
		if got := x.Match(p); got != want {
			t.Errorf("Match(%q) = %v, want %v", p, got, want)
		}
	}
}

// TestActiveRecordWrites: the validations, attribute defaults and
// callbacks that give a column a value on every create, at their line;
// conditional ones (if:, unless:, on: :update, allow_nil, an if around
// them) do not count.
func TestActiveRecordWrites(t *testing.T) {
	files := []*source.File{
		source.NewFile("app/models/payment.rb", []byte(`class Payment < ApplicationRecord
  validates :amount, :currency, presence: true
  validates_presence_of :payer_id
  validates :state, inclusion: { in: %w[new paid] }
  validates :memo, presence: true, if: :manual?
  validates :kind, inclusion: { in: %w[a b], allow_nil: true }
  validates :note, presence: true, on: :update
  validates :code, presence: true, on: :create
  attribute :retries, :integer, default: 0
  before_validation :assign_token
  before_save :touch_ref, if: :new_record?
  before_create { self.uuid ||= SecureRandom.uuid }
  if Rails.env.production?
    validates :region, presence: true
  end

  private

  def assign_token
    self.token = SecureRandom.hex
    self[:slug] = token.first(8) if slug.blank?
  end

  def touch_ref
    self.ref = 1
  end
end

class Refund < Payment
  validates :reason, presence: true
end
`)),
	}
	all, err := NewActiveRecord(nil).ExtractFiles(files)
	var got []refs.Reference
	for _, r := range all {
		if r.Usage == refs.Model {
			got = append(got, r)
		}
	}
	if err != nil || len(got) != 2 {
		t.Fatalf("ExtractFiles = %+v, %v; want two models", all, err)
	}
	w := func(col string, line int, snip string) refs.Write {
		return refs.Write{Column: col, Always: true, Line: line, Snippet: snip}
	}
	payment := []refs.Write{
		w("amount", 2, "validates :amount, :currency, presence: true"),
		w("currency", 2, "validates :amount, :currency, presence: true"),
		w("payer_id", 3, "validates_presence_of :payer_id"),
		w("state", 4, "validates :state, inclusion: { in: %w[new paid] }"),
		w("code", 8, "validates :code, presence: true, on: :create"),
		w("retries", 9, "attribute :retries, :integer, default: 0"),
		w("uuid", 12, "before_create { self.uuid ||= SecureRandom.uuid }"),
		w("token", 20, "self.token = SecureRandom.hex"),
	}
	if diff := cmp.Diff(payment, got[0].Writes); diff != "" {
		t.Errorf("Payment writes (-want +got):\n%s", diff)
	}
	refund := append(append([]refs.Write(nil), payment...), w("reason", 30, "validates :reason, presence: true"))
	if diff := cmp.Diff(refund, got[1].Writes); diff != "" {
		t.Errorf("Refund (STI) writes (-want +got):\n%s", diff)
	}
}

// TestActiveRecordBelongsTo: a required belongs_to writes its foreign key
// (and a polymorphic one its _type column) on every create, at the
// belongs_to line, as does one whose association a presence validation
// names (at the validation); optional: true, required: false and an app
// whose belongs_to_required_by_default is false (no load_defaults >=
// 5.0, or set false in application.rb, an initializer or the model's
// base class) may leave them NULL, at the belongs_to line.
func TestActiveRecordBelongsTo(t *testing.T) {
	models := `class Comment < ApplicationRecord
  belongs_to :account
  belongs_to :post, optional: true
  belongs_to :editor, required: false
  belongs_to :owner, polymorphic: true
  belongs_to :author, class_name: "User", foreign_key: :writer_id
  belongs_to :topic, optional: false
  belongs_to :thread, -> { visible }, optional: -> { draft? }
  validates :post, presence: true
end
`
	appRB := func(body string) *source.File {
		return source.NewFile("config/application.rb", []byte("module Blog\n  class Application < Rails::Application\n"+body+"\n  end\nend\n"))
	}
	byDefault := []string{"account_id", "owner_id", "owner_type", "writer_id"}
	explicit := []string{"post_id", "topic_id"}
	all := append(slices.Clone(explicit), byDefault...)
	optional := []string{"editor_id"}
	for _, tc := range []struct {
		name  string
		files []*source.File
		want  []string // always written; the other belongs_to may be NULL
	}{
		{"load_defaults 7.1", []*source.File{appRB("    config.load_defaults 7.1")}, all},
		{"no application.rb", nil, all},
		{"no load_defaults", []*source.File{appRB("    config.time_zone = 'UTC'")}, explicit},
		{"load_defaults 4.2", []*source.File{appRB("    config.load_defaults 4.2")}, explicit},
		{"set false after load_defaults", []*source.File{appRB("    config.load_defaults 7.0\n    config.active_record.belongs_to_required_by_default = false")}, explicit},
		{"commented out", []*source.File{appRB("    config.load_defaults 7.0\n    # config.active_record.belongs_to_required_by_default = false")}, all},
		{"new_framework_defaults", []*source.File{
			appRB(""),
			source.NewFile("config/initializers/new_framework_defaults.rb", []byte("Rails.application.config.active_record.belongs_to_required_by_default = true\n")),
		}, all},
		{"initializer wins", []*source.File{
			appRB("    config.load_defaults 6.1"),
			source.NewFile("config/initializers/active_record.rb", []byte("ActiveRecord::Base.belongs_to_required_by_default = false\n")),
		}, explicit},
		{"base class", []*source.File{
			appRB("    config.load_defaults 6.1"),
			source.NewFile("app/models/application_record.rb", []byte("class ApplicationRecord < ActiveRecord::Base\n  self.abstract_class = true\n  self.belongs_to_required_by_default = false\nend\n")),
		}, explicit},
		{"another app's config", []*source.File{source.NewFile("admin/config/application.rb", []byte("config.load_defaults 4.2\n"))}, all},
	} {
		t.Run(tc.name, func(t *testing.T) {
			files := append(slices.Clone(tc.files), source.NewFile("app/models/comment.rb", []byte(models)))
			refsFound, err := NewActiveRecord(nil).ExtractFiles(files)
			if err != nil {
				t.Fatal(err)
			}
			var always, may []string
			for _, r := range refsFound {
				if r.Usage != refs.Model || r.Table != "comments" {
					continue
				}
				for _, w := range r.Writes {
					line := strings.Split(models, "\n")[w.Line-1]
					if w.Snippet != strings.TrimSpace(line) || !strings.Contains(line, "belongs_to") && !strings.Contains(line, "validates") {
						t.Errorf("write %+v: want it at its belongs_to or validation line", w)
					}
					if w.Always {
						always = append(always, w.Column)
					} else {
						may = append(may, w.Column)
					}
				}
			}
			slices.Sort(always)
			want := slices.Sorted(slices.Values(tc.want))
			if diff := cmp.Diff(want, always); diff != "" {
				t.Errorf("columns always written (-want +got):\n%s", diff)
			}
			wantMay := slices.DeleteFunc(append(slices.Clone(all), optional...), func(c string) bool { return slices.Contains(tc.want, c) })
			slices.Sort(may)
			slices.Sort(wantMay)
			if diff := cmp.Diff(wantMay, may); diff != "" {
				t.Errorf("columns that may be NULL (-want +got):\n%s", diff)
			}
		})
	}
}

// TestActiveRecordAttributeUses: the places a release names a column
// through a model, resolved to the model's table; chains whose model
// cannot be named, class-level self.x = and SQL fragments are not uses.
func TestActiveRecordAttributeUses(t *testing.T) {
	files := []*source.File{
		source.NewFile("app/models/import.rb", []byte(`class Import < ApplicationRecord
  self.table_name = "imports"
  scope :fresh, -> { where(state: "new").order(created_at: :desc) }

  def preview
    self.raw_csv_str.first(100) + self[:header_row].to_s
  end

  def self.stale
    where.not(state: "done")
  end
end
`)),
		source.NewFile("app/controllers/imports_controller.rb", []byte(`class ImportsController < ApplicationController
  def index
    @imports = Import.fresh.where(account_id: current_account.id).pluck(:id, :raw_csv_str)
    Import.order("created_at DESC").select("raw_csv_str")
    rows.where(raw_csv_str: nil)
    Import.find_by(:token => params[:token])
    Import.create!(col_sep: ";")
  end

  def import_params
    params.require(:import).permit(:raw_csv_str, :col_sep, mappings: [])
  end
end
`)),
	}
	all, err := NewActiveRecord(nil).ExtractFiles(files)
	if err != nil {
		t.Fatal(err)
	}
	got := placesOf(all, func(r refs.Reference) bool { return r.Usage == refs.Attribute }, false)
	c, m := "app/controllers/imports_controller.rb", "app/models/import.rb"
	want := []string{
		m + ":3 imports.state", m + ":3 imports.created_at",
		m + ":6 imports.raw_csv_str", m + ":6 imports.header_row",
		m + ":10 imports.state",
		c + ":3 imports.id", c + ":3 imports.raw_csv_str", c + ":3 imports.account_id",
		c + ":4 imports.raw_csv_str",
		c + ":6 imports.token",
		c + ":7 imports.col_sep",
		c + ":11 imports.raw_csv_str", c + ":11 imports.col_sep", c + ":11 imports.mappings",
	}
	if diff := cmp.Diff(want, got, cmpopts.SortSlices(func(a, b string) bool { return a < b })); diff != "" {
		t.Errorf("attribute uses (-want +got):\n%s", diff)
	}
}

// TestActiveRecordLooseUses: record.col on a value whose model is unknown
// (in Ruby files and in the Ruby of ERB views; record.update_column(:col)
// too) is a use of each model the project knows col for, from its
// queries and class-body macros such as validations (NameOnly for one,
// Ambiguous for several), narrowed to the models the file names; common
// methods, constants' class methods, other calls with arguments, request
// values and names no model is seen with are not uses.
func TestActiveRecordLooseUses(t *testing.T) {
	files := []*source.File{
		source.NewFile("app/models/post.rb", []byte("class Post < ApplicationRecord\n  validates :title, presence: true\nend\n")),
		source.NewFile("app/models/page.rb", []byte("class Page < ApplicationRecord\n  validates :title, :slug, presence: true\nend\n")),
		source.NewFile("app/models/user.rb", []byte("class User < ApplicationRecord\nend\n")),
		source.NewFile("app/controllers/users_controller.rb", []byte(`class UsersController < ApplicationController
  def user_params
    params.require(:user).permit(:nickname, :name)
  end
end
`)),
		source.NewFile("app/services/render.rb", []byte(`class Render
  def call(record, page)
    record.title.upcase
    @item.slug
    page.nickname = "x"
    record.name
    Admin.title
    record.title(true)
    response.nickname
    record.active?
    record.body
    record.update_column(:estimated_hours, 0)
    issue.estimated_hours
    record.update_column(:unknown, 1)
    record.update(estimated_hours: 1, unknown: 2)
  end
end
`)),
		source.NewFile("app/models/issue.rb", []byte("class Issue < ApplicationRecord\n  validates_numericality_of :estimated_hours, allow_nil: true\nend\n")),
		source.NewFile("app/views/pages/show.html.erb", []byte(`<h1 class="title"><%= @page.slug -%></h1>
<%# @page.slug %>
<% if @page.title? %><p><%= @page.nickname %></p><% end %>
`)),
		source.NewFile("app/services/posts.rb", []byte(`class Posts
  def call(id)
    post = Post.find(id)
    post.title
  end
end
`)),
	}
	all, err := NewActiveRecord(nil).ExtractFiles(files)
	if err != nil {
		t.Fatal(err)
	}
	got := placesOf(all, refs.Reference.ByName, true)
	s, p, v := "app/services/render.rb", "app/services/posts.rb", "app/views/pages/show.html.erb"
	want := []string{
		s + ":3 posts.title ambiguous", s + ":3 pages.title ambiguous",
		s + ":4 pages.slug name-only",
		s + ":5 users.nickname name-only",
		s + ":12 issues.estimated_hours name-only", s + ":13 issues.estimated_hours name-only",
		s + ":15 issues.estimated_hours name-only",
		p + ":4 posts.title name-only",
		v + ":1 pages.slug name-only",
		v + ":3 posts.title ambiguous", v + ":3 pages.title ambiguous", v + ":3 users.nickname name-only",
	}
	if diff := cmp.Diff(want, got, cmpopts.SortSlices(func(a, b string) bool { return a < b })); diff != "" {
		t.Errorf("loose uses (-want +got):\n%s", diff)
	}
}
