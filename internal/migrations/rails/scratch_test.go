package rails
import ("testing"; "fmt"; "github.com/schemagate/schemagate/internal/ops"; "github.com/schemagate/schemagate/internal/sqlparse"; "github.com/schemagate/schemagate/internal/source")
func TestX(t *testing.T){
 for _, d := range []string{"TRUE","FALSE","-1","0.0","1.5","'it''s'","'a\\b'","NULL","'{}'", "now()", "CURRENT_TIMESTAMP", "gen_random_uuid()", "1e3", "-1.5", "'x'::text", "2147483648", "-9223372036854775808"} {
  sql := `ALTER TABLE "t" ADD "c" integer DEFAULT `+d+` NOT NULL`
  res := sqlparse.Parse(source.NewFile("x", []byte(sql)))
  o := ops.FromStatements(res.Statements, ops.Options{})
  fmt.Printf("%s -> %q %v null=%v\n", d, o[0].ColumnDef.Default.Text, o[0].ColumnDef.Default.Volatility, o[0].ColumnDef.Default.Null)
 }
 for _, s := range []string{`CREATE INDEX "i" ON "t" ("a" DESC, lower(b) text_pattern_ops) WHERE x > 1`, `CREATE TABLE "t" ("id" bigserial primary key, "x" timestamp(6) NOT NULL, f float, d decimal(10,2), g float(24), h numeric, i character varying(20)[], j bit varying, k interval(6), l time(3))`, `DROP INDEX CONCURRENTLY "public"."x"`, `ALTER TABLE "public"."a_id_seq" RENAME TO "b_id_seq"`, `COMMENT ON COLUMN "t"."c" IS 'x'`} {
  res := sqlparse.Parse(source.NewFile("x", []byte(s)))
  for _, o := range ops.FromStatements(res.Statements, ops.Options{}) { fmt.Printf("%+v\n", o); if o.Index!=nil {fmt.Printf("  %+v\n", *o.Index)}; for _, c := range o.Columns { fmt.Printf("  %+v\n", c)} }
 }
}
