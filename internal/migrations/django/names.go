package django

import (
	"crypto/md5"
	"encoding/hex"
	"strings"
)

// maxNameLength is PostgreSQL's identifier limit (NAMEDATALEN - 1), which
// Django's backend reports as max_name_length.
const maxNameLength = 63

// namesDigest is django.db.backends.utils.names_digest: the first
// length hex digits of the MD5 of the concatenated names. Django names
// the indexes and constraints it creates with it, so the names are
// reproducible.
func namesDigest(length int, names ...string) string {
	h := md5.New()
	for _, n := range names {
		h.Write([]byte(n))
	}
	return hex.EncodeToString(h.Sum(nil))[:length]
}

// truncateName is django.db.backends.utils.truncate_name: names longer
// than length keep length-4 characters and a 4-digit hash of the whole.
func truncateName(identifier string, length int) string {
	namespace, name := splitIdentifier(identifier)
	if len(name) <= length {
		return identifier
	}
	digest := namesDigest(4, name)
	out := name[:length-4] + digest
	if namespace != "" {
		return `"` + namespace + `".` + out
	}
	return out
}

// splitIdentifier splits '"namespace"."table"' (Django's way of putting
// a table in a schema) into its parts.
func splitIdentifier(identifier string) (string, string) {
	ns, name, ok := strings.Cut(identifier, `"."`)
	if !ok {
		return "", strings.Trim(identifier, `"`)
	}
	return strings.Trim(ns, `"`), strings.Trim(name, `"`)
}

// createIndexName is BaseDatabaseSchemaEditor._create_index_name.
func createIndexName(table string, columns []string, suffix string) string {
	_, table = splitIdentifier(table)
	hashSuffix := namesDigest(8, append([]string{table}, columns...)...) + suffix
	name := table + "_" + strings.Join(columns, "_") + "_" + hashSuffix
	if len(name) <= maxNameLength {
		return name
	}
	if len(hashSuffix) > maxNameLength/3 {
		hashSuffix = hashSuffix[:maxNameLength/3]
	}
	other := (maxNameLength-len(hashSuffix))/2 - 1
	cols := strings.Join(columns, "_")
	name = clip(table, other) + "_" + clip(cols, other) + "_" + hashSuffix
	if name[0] == '_' || name[0] >= '0' && name[0] <= '9' {
		name = "D" + name[:len(name)-1]
	}
	return name
}

func clip(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// quoteName is the backend's quote_name: double quotes unless already
// quoted.
func quoteName(name string) string {
	if strings.HasPrefix(name, `"`) && strings.HasSuffix(name, `"`) && len(name) > 1 {
		return name
	}
	return `"` + name + `"`
}

// quoteTable quotes a db_table, keeping Django's '"schema"."table"'.
func quoteTable(table string) string {
	if ns, name := splitIdentifier(table); ns != "" {
		return quoteName(ns) + "." + quoteName(name)
	}
	return quoteName(table)
}

// quoteString is a SQL string literal.
func quoteString(s string) string {
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}
