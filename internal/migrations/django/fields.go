package django

import (
	"fmt"
	"strings"
)

// fieldClasses maps Django's field classes (and contrib.postgres') to
// their internal type, which decides the column type.
var fieldClasses = map[string]string{
	"AutoField": "AutoField", "BigAutoField": "BigAutoField", "SmallAutoField": "SmallAutoField",
	"BigIntegerField": "BigIntegerField", "BinaryField": "BinaryField", "BooleanField": "BooleanField",
	"NullBooleanField": "NullBooleanField", "CharField": "CharField", "DateField": "DateField",
	"DateTimeField": "DateTimeField", "DecimalField": "DecimalField", "DurationField": "DurationField",
	"EmailField": "CharField", "FileField": "FileField", "ImageField": "FileField",
	"FilePathField": "FilePathField", "FloatField": "FloatField", "IntegerField": "IntegerField",
	"GenericIPAddressField": "GenericIPAddressField", "IPAddressField": "IPAddressField",
	"JSONField": "JSONField", "PositiveBigIntegerField": "PositiveBigIntegerField",
	"PositiveIntegerField": "PositiveIntegerField", "PositiveSmallIntegerField": "PositiveSmallIntegerField",
	"SlugField": "SlugField", "SmallIntegerField": "SmallIntegerField", "TextField": "TextField",
	"TimeField": "TimeField", "URLField": "CharField", "UUIDField": "UUIDField",
	"ForeignKey": "ForeignKey", "OneToOneField": "OneToOneField", "ManyToManyField": "ManyToManyField",
	// django.contrib.postgres
	"ArrayField": "ArrayField", "HStoreField": "HStoreField",
	"CICharField": "CICharField", "CIEmailField": "CIEmailField", "CITextField": "CITextField",
	"IntegerRangeField": "IntegerRangeField", "BigIntegerRangeField": "BigIntegerRangeField",
	"DecimalRangeField": "DecimalRangeField", "FloatRangeField": "DecimalRangeField",
	"DateTimeRangeField": "DateTimeRangeField", "DateRangeField": "DateRangeField",
	"SearchVectorField": "SearchVectorField",
}

// suffixClasses recognise third-party subclasses by the Django class
// their name ends with (mptt's TreeForeignKey, AutoSlugField, ...).
var suffixClasses = []string{
	"ForeignKey", "OneToOneField", "ManyToManyField", "BigAutoField", "AutoField",
	"PositiveBigIntegerField", "PositiveSmallIntegerField", "PositiveIntegerField", "BigIntegerField",
	"SmallIntegerField", "IntegerField", "DateTimeField", "DateField", "TimeField", "DecimalField",
	"FloatField", "BooleanField", "UUIDField", "JSONField", "EmailField", "URLField", "SlugField",
	"TextField", "CharField", "ImageField", "FileField", "DurationField", "BinaryField",
}

// noColumnClasses are fields without a column of their own.
var noColumnClasses = map[string]bool{
	"TaggableManager": true, "GenericRelation": true, "GenericForeignKey": true,
}

// defaultMaxLength of CharField subclasses that set one.
var defaultMaxLength = map[string]int{
	"EmailField": 254, "SlugField": 50, "URLField": 200, "FileField": 100, "ImageField": 100,
	"FilePathField": 100, "CIEmailField": 254,
}

// parseField reads a field constructor call. app resolves relation
// targets written without an app label. The note is non-empty when the
// field class is not one schemagate knows.
func parseField(name string, call *value, app string, s *state) (*field, string) {
	f := &field{name: name, call: call, dbConstraint: true}
	if call != nil {
		f.start, f.end = call.start, call.end
	}
	if !call.is(kCall) {
		f.internal, f.class = "TextField", "?"
		return f, fmt.Sprintf("field %q is not a field constructor call: its column is assumed to be text", name)
	}
	f.class = call.lastName()
	note := ""
	if in, ok := fieldClasses[f.class]; ok {
		f.internal, f.known = in, true
	} else if noColumnClasses[f.class] {
		f.noColumn, f.known, f.internal = true, true, f.class
	} else {
		for _, suf := range suffixClasses {
			if strings.HasSuffix(f.class, suf) {
				f.internal, f.known = fieldClasses[suf], true
				f.class = suf
				break
			}
		}
		if !f.known {
			f.internal = "TextField"
			if ml := call.kw("max_length"); ml.is(kInt) {
				f.internal = "CharField"
			}
			note = fmt.Sprintf("field class %s is not one schemagate knows: the column %q is assumed to be %s", call.s, name, map[string]string{"TextField": "text", "CharField": "character varying"}[f.internal])
		}
	}
	if n, ok := defaultMaxLength[f.class]; ok {
		f.maxLength = n
	}
	switch f.internal {
	case "SlugField", "ForeignKey":
		f.dbIndex = true
	case "OneToOneField":
		f.dbIndex, f.unique = true, true
	case "ManyToManyField":
		f.m2m = true
	}
	boolKw := func(k string, dst *bool) {
		if v := call.kw(k); v != nil {
			if b, ok := v.truthy(); ok {
				*dst = b
			}
		}
	}
	boolKw("null", &f.null)
	boolKw("blank", &f.blank)
	boolKw("primary_key", &f.primaryKey)
	boolKw("unique", &f.unique)
	boolKw("db_index", &f.dbIndex)
	boolKw("auto_now", &f.autoNow)
	boolKw("auto_now_add", &f.autoNowAdd)
	boolKw("db_constraint", &f.dbConstraint)
	if f.class == "NullBooleanField" {
		f.null, f.blank = true, true
	}
	if f.primaryKey {
		f.unique = true
	}
	if v := call.kw("default"); v != nil {
		f.hasDefault, f.def = true, v
	}
	if v := call.kw("db_default"); v != nil {
		f.dbDefault = v
	}
	intKw := func(k string, dst *int) {
		if v := call.kw(k).settingDefault(); v.is(kInt) {
			*dst = int(v.i)
		} else if v.is(kNone) {
			*dst = 0
		}
	}
	intKw("max_length", &f.maxLength)
	intKw("max_digits", &f.maxDigits)
	intKw("decimal_places", &f.decimalPlace)
	if v, ok := call.kw("db_column").str(); ok {
		f.dbColumn = v
	}
	if v, ok := call.kw("db_collation").str(); ok {
		f.dbCollation = v
	}
	if v, ok := call.kw("db_comment").str(); ok {
		f.dbComment = v
	}
	switch f.internal {
	case "ForeignKey", "OneToOneField", "ManyToManyField":
		to := call.arg(0, "to")
		switch {
		case to.is(kStr):
			f.remote = s.resolveRemote(to.s, app)
			if to.s == "self" {
				f.remote = "self"
			}
		case to.is(kName) && strings.HasSuffix(to.s, "AUTH_USER_MODEL"):
			f.remote = s.userModel
		default:
			if note == "" {
				note = fmt.Sprintf("the target of %s %q is not a string: its table and key type are guessed", f.class, name)
			}
			f.remote = "unknown.unknown"
		}
		if v, ok := call.kw("to_field").str(); ok {
			f.toField = v
		}
		if v, ok := call.kw("related_name").str(); ok && strings.HasSuffix(v, "+") {
			f.hiddenRelation = true
		}
		if f.m2m {
			if t := call.kw("through"); t != nil {
				if ts, ok := t.str(); ok {
					f.through = s.resolveRemote(ts, app)
				} else {
					f.through = "unknown.unknown"
				}
			}
			if v, ok := call.kw("db_table").str(); ok {
				f.m2mTable = v
			}
		}
	case "ArrayField":
		if b := call.arg(0, "base_field"); b.is(kCall) {
			f.baseField, _ = parseField(name, b, app, s)
		}
	}
	return f, note
}

// emptyStringsAllowed is Field.empty_strings_allowed by internal type.
func emptyStringsAllowed(internal string) bool {
	switch internal {
	case "CharField", "TextField", "SlugField", "FileField", "FilePathField", "BinaryField",
		"CICharField", "CIEmailField", "CITextField", "IPAddressField":
		return true
	}
	return false
}

// dataTypes is Django's PostgreSQL data_types templates by internal
// type, auto fields as identity columns (serialTypes before).
var dataTypes = map[string]string{
	"AutoField":                 "integer",
	"BigAutoField":              "bigint",
	"SmallAutoField":            "smallint",
	"BinaryField":               "bytea",
	"BooleanField":              "boolean",
	"NullBooleanField":          "boolean",
	"CharField":                 "varchar(%(max_length)s)",
	"FileField":                 "varchar(%(max_length)s)",
	"FilePathField":             "varchar(%(max_length)s)",
	"SlugField":                 "varchar(%(max_length)s)",
	"DateField":                 "date",
	"DateTimeField":             "timestamp with time zone",
	"DecimalField":              "numeric(%(max_digits)s, %(decimal_places)s)",
	"DurationField":             "interval",
	"FloatField":                "double precision",
	"IntegerField":              "integer",
	"PositiveIntegerField":      "integer",
	"BigIntegerField":           "bigint",
	"PositiveBigIntegerField":   "bigint",
	"SmallIntegerField":         "smallint",
	"PositiveSmallIntegerField": "smallint",
	"IPAddressField":            "inet",
	"GenericIPAddressField":     "inet",
	"JSONField":                 "jsonb",
	"TextField":                 "text",
	"TimeField":                 "time",
	"UUIDField":                 "uuid",
	"OneToOneField":             "integer",
}

// serialTypes are the auto fields' types before identity columns.
var serialTypes = map[string]string{"AutoField": "serial", "BigAutoField": "bigserial", "SmallAutoField": "smallserial"}

// dataType is Django's PostgreSQL data_types template for an internal
// type (used by AlterField to decide on USING), or "".
func (e *editor) dataType(internal string) string {
	if t, ok := serialTypes[internal]; ok && !e.identity() {
		return t
	}
	return dataTypes[internal]
}

// dbType is the column type Django's PostgreSQL backend gives a field,
// spelled as Django writes it; "" for fields without a column.
func (e *editor) dbType(f *field) string {
	return e.dbTypeDepth(f, 0)
}

func (e *editor) dbTypeDepth(f *field, depth int) string {
	if !f.hasColumn() {
		return ""
	}
	if f.isFK() {
		return e.relDBType(f, depth)
	}
	switch f.internal {
	case "CharField", "FileField", "FilePathField", "SlugField":
		if f.maxLength == 0 {
			return "varchar"
		}
		return fmt.Sprintf("varchar(%d)", f.maxLength)
	case "DecimalField":
		if f.maxDigits == 0 && f.decimalPlace == 0 {
			return "numeric"
		}
		return fmt.Sprintf("numeric(%d, %d)", f.maxDigits, f.decimalPlace)
	case "ArrayField":
		base := "text"
		if f.baseField != nil {
			base = e.dbTypeDepth(f.baseField, depth+1)
		}
		return base + "[]"
	case "HStoreField":
		return "hstore"
	case "CICharField", "CIEmailField", "CITextField":
		return "citext"
	case "IntegerRangeField":
		return "int4range"
	case "BigIntegerRangeField":
		return "int8range"
	case "DecimalRangeField":
		return "numrange"
	case "DateTimeRangeField":
		return "tstzrange"
	case "DateRangeField":
		return "daterange"
	case "SearchVectorField":
		return "tsvector"
	}
	if t := e.dataType(f.internal); t != "" {
		return t
	}
	return "text"
}

// relDBType is the column type of a foreign key: the type of the target
// field, with auto and positive integer fields mapped to their plain
// integer type (rel_db_type).
func (e *editor) relDBType(f *field, depth int) string {
	target := e.target(f)
	if target == nil || depth > 8 {
		return "bigint"
	}
	return e.relTypeOf(target, depth+1)
}

// relTypeOf is the column type of a foreign key whose target field is
// target.
func (e *editor) relTypeOf(target *field, depth int) string {
	switch target.internal {
	case "AutoField", "PositiveIntegerField":
		return "integer"
	case "BigAutoField", "PositiveBigIntegerField":
		return "bigint"
	case "SmallAutoField", "PositiveSmallIntegerField":
		return "smallint"
	}
	if target.isFK() {
		return e.relDBType(target, depth)
	}
	return e.dbTypeDepth(target, depth)
}

// target is the field a foreign key points at.
func (e *editor) target(f *field) *field {
	if f.remote == "" {
		return nil
	}
	m := e.st.lookup(f.remote)
	if f.toField != "" {
		if t := m.field(f.toField); t != nil {
			return t
		}
	}
	return m.pk()
}

// targetModel is the model a relation points at.
func (e *editor) targetModel(f *field) *model { return e.st.lookup(f.remote) }

// checkSQL is the column check Django adds for positive integer fields.
func checkSQL(f *field) string {
	switch f.internal {
	case "PositiveIntegerField", "PositiveBigIntegerField", "PositiveSmallIntegerField":
		return quoteName(f.column()) + " >= 0"
	}
	return ""
}

// identitySuffix is data_types_suffix (Django 4.1+): auto fields are
// identity columns.
func (e *editor) identitySuffix(f *field) string {
	if f.isAuto() && e.identity() {
		return "GENERATED BY DEFAULT AS IDENTITY"
	}
	return ""
}
