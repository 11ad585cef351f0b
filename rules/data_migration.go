package rules

// DataMigration is reported by the framework translators for data changed
// through application code (RunPython, update_all) in a schema migration.
// It has no Run.
var DataMigration = &Rule{
	Name:     "data-migration",
	Severity: Hint,
	Category: Data,
	Summary:  "a data migration (RunPython, update_all) inside a schema migration",
	Doc:      `The migration changes data through application code (Django RunPython, ActiveRecord update_all, Model.objects.update). It runs inside the migration's transaction, holding every lock the schema changes took, and its cost grows with the table. Prefer a separate, batched data migration after the schema change is deployed.`,
	Bad:      "migrations.RunPython(backfill_emails)",
	Good:     "-- a separate migration (or job) that backfills in batches",
}
