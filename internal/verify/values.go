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
	switch t.base {
	case 16:
		return []byte("true")
	case 17:
		return []byte(`\x00`)
	case 114, 3802: // json, jsonb
		return []byte("{}")
	case 142: // xml
		return []byte("<x/>")
	case 600: // point
		return []byte("(0,0)")
	case 650: // cidr
		return []byte("10.0.0.0/8")
	case 869: // inet
		return []byte("127.0.0.1")
	case 829: // macaddr
		return []byte("08:00:2b:01:02:03")
	case 774: // macaddr8
		return []byte("08:00:2b:01:02:03:04:05")
	case 1082: // date
		return []byte("2024-01-02")
	case 1083: // time
		return []byte("12:00:00")
	case 1266: // timetz
		return []byte("12:00:00+00")
	case 1114: // timestamp
		return []byte("2024-01-02 03:04:05")
	case 1184: // timestamptz
		return []byte("2024-01-02 03:04:05+00")
	case 1186: // interval
		return []byte("1 day")
	case 1560, 1562: // bit, varbit
		return []byte("1")
	case 2950: // uuid
		return []byte("00000000-0000-4000-8000-000000000001")
	case 3614, 3615: // tsvector, tsquery
		return []byte("x")
	case 0, 705: // unknown
		return []byte("x")
	}
	switch t.category {
	case 'A':
		return []byte("{}")
	case 'B':
		return []byte("true")
	case 'N':
		return []byte("1")
	case 'S':
		return []byte("x")
	case 'D':
		return []byte("2024-01-02")
	case 'T':
		return []byte("1 day")
	case 'R':
		return []byte("empty")
	case 'V':
		return []byte("1")
	}
	return nil
}
