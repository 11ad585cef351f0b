package ops

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/schemagate/schemagate/internal/source"
	"github.com/schemagate/schemagate/internal/sqlparse"
)

// TestCheckExpr: the columns a CHECK reads, and whether a row that leaves
// them all NULL passes it (the expression is NULL, not false).
func TestCheckExpr(t *testing.T) {
	for _, tc := range []struct {
		check      string
		cols       []string
		passesNull bool
	}{
		{"amount > 0", []string{"amount"}, true},
		{"amount BETWEEN 1 AND 10 AND currency IN ('EUR', 'USD')", []string{"amount", "currency"}, true},
		{"char_length(code) <= 20 OR code ~ '^x'", []string{"code"}, true},
		{"NOT (state = 'gone')", []string{"state"}, true},
		{"t.amount::numeric >= 0", []string{"amount"}, true},
		{"amount = ANY (ARRAY[1, 2])", []string{"amount"}, true},
		{"amount IS NOT NULL", []string{"amount"}, false},
		{"amount > 0 OR note IS NULL", []string{"amount", "note"}, false},
		{"coalesce(amount, 0) > 0", []string{"amount"}, false},
		{"num_nonnulls(a, b) = 1", []string{"a", "b"}, false},
		{"amount IS DISTINCT FROM 0", []string{"amount"}, false},
		{"amount > 0 AND false", []string{"amount"}, false},
		{"CASE WHEN kind = 'a' THEN amount > 0 ELSE true END", []string{"kind", "amount"}, false},
		{"1 = 1", nil, false},
	} {
		f := source.NewFile("m.sql", []byte("ALTER TABLE t ADD CONSTRAINT c CHECK ("+tc.check+");"))
		res := sqlparse.Parse(f)
		if len(res.Errors) > 0 {
			t.Fatalf("%s: %v", tc.check, res.Errors[0])
		}
		got := FromStatements(res.Statements, Options{File: f})
		if len(got) != 1 || got[0].Constraint == nil {
			t.Fatalf("%s: ops %+v, want one ADD CONSTRAINT", tc.check, got)
		}
		k := got[0].Constraint
		if diff := cmp.Diff(tc.cols, k.ExprColumns); diff != "" {
			t.Errorf("CHECK (%s) columns (-want +got):\n%s", tc.check, diff)
		}
		if k.PassesNull != tc.passesNull {
			t.Errorf("CHECK (%s): PassesNull = %v, want %v", tc.check, k.PassesNull, tc.passesNull)
		}
	}
}
