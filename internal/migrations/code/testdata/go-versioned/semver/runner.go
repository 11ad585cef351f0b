package migrations

// Run is the runner, not a migration.
func Run() {}
