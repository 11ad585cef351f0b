package sqlref

import "testing"

func FuzzResolve(f *testing.F) {
	for _, q := range benchQueries {
		f.Add(q)
	}
	for _, q := range []string{
		`SELECT ':x', "a?b", E'\'?', $$ :y ? $$ FROM t WHERE a = ? -- :z`,
		`WITH RECURSIVE t AS (SELECT 1 UNION SELECT * FROM t) SELECT * FROM t`,
		`SELECT #{a.map { |x| "#{x}" }} FROM %(t)s WHERE ${x} = {}`,
		`MERGE INTO a USING b ON a.id = b.id WHEN MATCHED THEN DELETE`,
		"SELECT $tag$ unterminated",
		`sqlc.arg(`,
	} {
		f.Add(q)
	}
	f.Fuzz(func(t *testing.T, sql string) {
		MaybeSQL(sql)
		norm, m := NormalizePlaceholders(sql)
		for off := 0; off <= len(norm); off++ {
			if o := m.Original(off); o < 0 || o > len(sql) {
				t.Fatalf("Original(%d) = %d outside [0, %d]", off, o, len(sql))
			}
		}
		rs, err := Resolve(sql)
		if err != nil {
			return
		}
		for _, r := range rs {
			if r.Offset < 0 || r.Offset > len(sql) {
				t.Fatalf("offset %d outside [0, %d]: %+v", r.Offset, len(sql), r)
			}
		}
	})
}
