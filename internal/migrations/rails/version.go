package rails

import (
	"strconv"
	"strings"
)

// version is the x.y of ActiveRecord::Migration[x.y]: Rails keeps each
// old migration behaving as it did when written (migration/compatibility.rb),
// so the SQL a call emits depends on it.
type version struct {
	major, minor int
}

// currentVersion is the newest Migration[x.y] this translator knows.
var currentVersion = version{8, 1}

// legacyVersion stands for a class inheriting ActiveRecord::Migration
// without [x.y] (Rails 4.2 and older; Rails 5+ refuses to run it).
var legacyVersion = version{4, 2}

func parseVersion(s string) (version, bool) {
	s = strings.TrimSpace(s)
	maj, min, ok := strings.Cut(s, ".")
	if !ok {
		min = "0"
	}
	a, err1 := strconv.Atoi(maj)
	b, err2 := strconv.Atoi(min)
	if err1 != nil || err2 != nil || a < 3 || a > 99 {
		return version{}, false
	}
	return version{a, b}, true
}

func (v version) String() string { return strconv.Itoa(v.major) + "." + strconv.Itoa(v.minor) }

func (v version) atLeast(major, minor int) bool {
	return v.major > major || v.major == major && v.minor >= minor
}

// Behaviour switches, each named after what changed and when.

// bigintKeys: primary keys are bigserial and references bigint from 5.1
// (serial and integer before).
func (v version) bigintKeys() bool { return v.atLeast(5, 1) }

// referenceIndexByDefault: t.references and add_reference add an index
// unless index: false, from 5.0.
func (v version) referenceIndexByDefault() bool { return v.atLeast(5, 0) }

// timestampsNotNull: t.timestamps and add_timestamps are NOT NULL from
// 5.0.
func (v version) timestampsNotNull() bool { return v.atLeast(5, 0) }

// timestampsPrecision: timestamps get precision 6 from 6.0.
func (v version) timestampsPrecision() bool { return v.atLeast(6, 0) }

// datetimePrecision: every datetime column gets precision 6 from 7.0.
func (v version) datetimePrecision() bool { return v.atLeast(7, 0) }

// splitChangeColumn: change_column with default:/null: runs separate
// statements up to 5.1 and one ALTER TABLE from 5.2.
func (v version) splitChangeColumn() bool { return !v.atLeast(5, 2) }

// polymorphicIndexName: from 6.1 a polymorphic reference's index is
// index_<table>_on_<name>, before index_<table>_on_<name>_type_and_<name>_id.
func (v version) polymorphicIndexName() bool { return v.atLeast(6, 1) }

// hashedIndexNames: from 7.1 a default index name over 62 bytes is
// shortened and hashed; before, Rails raises.
func (v version) hashedIndexNames() bool { return v.atLeast(7, 1) }

// uuidDefault is the default of a uuid primary key.
func (v version) uuidDefault() string {
	if v.atLeast(5, 1) {
		return "gen_random_uuid()"
	}
	return "uuid_generate_v4()"
}

// disableExtensionCascades: disable_extension drops with CASCADE up to
// 7.0; from 7.1 only with force: :cascade.
func (v version) disableExtensionCascades() bool { return !v.atLeast(7, 1) }
