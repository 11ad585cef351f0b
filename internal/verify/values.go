package verify

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// typeInfo is what choosing a value for a parameter needs: the type under
// any domains, its category and, for an enum, its first label.
type typeInfo struct {
	base     uint32
	category byte
	label    *string
}

// typesSQL resolves domains to their base type.
const typesSQL = `
WITH RECURSIVE base(oid, cur) AS (
    SELECT oid, oid FROM pg_type WHERE oid = ANY ($1::oid[])
  UNION ALL
    SELECT base.oid, t.typbasetype FROM base JOIN pg_type t ON t.oid = base.cur WHERE t.typtype = 'd'
)
SELECT base.oid, b.oid, b.typcategory::text,
       (SELECT e.enumlabel FROM pg_enum e WHERE e.enumtypid = b.oid ORDER BY e.enumsortorder LIMIT 1)
FROM base JOIN pg_type b ON b.oid = base.cur
WHERE b.typtype <> 'd'`

// makeValues gives every INSERT a value of the right type for each
// parameter, in text format: non-NULL, so NOT NULL columns the release
// writes are satisfied, and plain, so that the usual CHECK constraints
// (positive, not empty) hold.
func makeValues(ctx context.Context, conn *pgx.Conn, qs []*Query) error {
	seen := map[uint32]bool{}
	var oids []uint32
	for _, q := range qs {
		for _, o := range q.paramOIDs {
			if !seen[o] {
				seen[o] = true
				oids = append(oids, o)
			}
		}
	}
	types := map[uint32]typeInfo{}
	if len(oids) > 0 {
		rows, err := conn.Query(ctx, typesSQL, oids)
		if err != nil {
			return fmt.Errorf("reading parameter types: %w", err)
		}
		var oid uint32
		var t typeInfo
		var cat string
		_, err = pgx.ForEachRow(rows, []any{&oid, &t.base, &cat, &t.label}, func() error {
			t.category = cat[0]
			types[oid] = t
			return nil
		})
		if err != nil {
			return fmt.Errorf("reading parameter types: %w", err)
		}
	}
	for _, q := range qs {
		q.values = make([][]byte, len(q.paramOIDs))
		for i, o := range q.paramOIDs {
			q.values[i] = valueFor(types[o])
		}
	}
	return nil
}

// valueFor is a text-format value of type t; nil (NULL) when none is
// known.
func valueFor(t typeInfo) []byte {
	if t.label != nil {
		return []byte(*t.label)
	}
	if v, ok := sampleByType[t.base]; ok {
		return []byte(v)
	}
	if v, ok := sampleByCategory[t.category]; ok {
		return []byte(v)
	}
	return nil
}

// sampleByType is a value of each built-in type valueFor knows by OID.
var sampleByType = map[uint32]string{
	16:   "true",
	17:   `\x00`,
	114:  "{}",                                   // json
	3802: "{}",                                   // jsonb
	142:  "<x/>",                                 // xml
	600:  "(0,0)",                                // point
	650:  "10.0.0.0/8",                           // cidr
	869:  "127.0.0.1",                            // inet
	829:  "08:00:2b:01:02:03",                    // macaddr
	774:  "08:00:2b:01:02:03:04:05",              // macaddr8
	1082: "2024-01-02",                           // date
	1083: "12:00:00",                             // time
	1266: "12:00:00+00",                          // timetz
	1114: "2024-01-02 03:04:05",                  // timestamp
	1184: "2024-01-02 03:04:05+00",               // timestamptz
	1186: "1 day",                                // interval
	1560: "1",                                    // bit
	1562: "1",                                    // varbit
	2950: "00000000-0000-4000-8000-000000000001", // uuid
	3614: "x",                                    // tsvector
	3615: "x",                                    // tsquery
	0:    "x",                                    // unknown
	705:  "x",                                    // unknown
}

// sampleByCategory is a value of any other type of a pg_type category.
var sampleByCategory = map[byte]string{
	'A': "{}",
	'B': "true",
	'N': "1",
	'S': "x",
	'D': "2024-01-02",
	'T': "1 day",
	'R': "empty",
	'V': "1",
}
