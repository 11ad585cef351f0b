package sqlref

import (
	"strings"
	"sync"
)

// Functions that are not in PostgreSQL 15's pg_catalog but ship with
// PostgreSQL 16 or with the common extensions; calls to them are not
// application functions.
const extraBuiltins = `
any_value random_normal pg_input_is_valid pg_input_error_info array_sample array_shuffle
system_user json_array json_object json_scalar json_serialize
uuid_generate_v1 uuid_generate_v1mc uuid_generate_v3 uuid_generate_v4 uuid_generate_v5
uuid_nil uuid_ns_dns uuid_ns_oid uuid_ns_url uuid_ns_x500
crypt gen_salt digest hmac pgp_sym_encrypt pgp_sym_decrypt pgp_pub_encrypt pgp_pub_decrypt
armor dearmor gen_random_bytes encrypt decrypt
unaccent similarity word_similarity strict_word_similarity show_trgm set_limit show_limit
levenshtein soundex metaphone dmetaphone difference
citext hstore akeys avals skeys svals each exist defined delete slice
earth ll_to_earth earth_distance earth_box cube
`

var (
	builtinOnce sync.Once
	builtinSet  map[string]bool
)

// isBuiltin reports whether a function called by this (lower-case,
// unqualified) name is PostgreSQL's or a common extension's rather than
// the application's. PostGIS's st_ functions count as built in.
func isBuiltin(name string) bool {
	builtinOnce.Do(func() {
		words := strings.Fields(catalogFunctions + extraBuiltins)
		builtinSet = make(map[string]bool, len(words))
		for _, w := range words {
			builtinSet[w] = true
		}
	})
	return builtinSet[name] || strings.HasPrefix(name, "st_") || strings.HasPrefix(name, "pg_")
}

// Set-returning built-ins that return one unnamed column, so an alias
// names their only column: FROM generate_series(1, 3) AS n.
var scalarSetFunctions = map[string]bool{
	"generate_series": true, "unnest": true, "regexp_split_to_table": true,
	"generate_subscripts": true, "json_array_elements_text": true,
	"jsonb_array_elements_text": true, "json_object_keys": true, "jsonb_object_keys": true,
	"json_array_elements": true, "jsonb_array_elements": true, "string_to_table": true,
}
