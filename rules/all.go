package rules

// all lists every rule, one a line in name order: the rules with a Run
// and those whose findings the engine, check and verify make themselves
// (syntax-error, verify-lock, ...), so that config, suppressions, docs and
// SARIF know them all. A new rule is a file named after it and a line here.
var all = []*Rule{
	AddColumnJSON,
	AddColumnNotNullWithoutDefault,
	AddColumnVolatileDefault,
	AddExclusionConstraint,
	ChangeColumnType,
	Cluster,
	ConcurrentlyInTransaction,
	ConstraintMayRejectWrites,
	ConstraintMissingNotValid,
	DataBackfillInSchemaMigration,
	DataMigration,
	DomainConstraint,
	DropColumn,
	DropDatabase,
	DropFunction,
	DropNotNull,
	DropTable,
	DuplicateColumn,
	EnumAddValueInTransaction,
	FailsAgainstSchema,
	IncompatibleColumnType,
	InternalError,
	InvalidSuppression,
	MigrationFormat,
	NotNullBreaksInserts,
	PreferBigint,
	PreferIdentity,
	PreferRobustStatements,
	PreferTextField,
	PreferTimestamptz,
	PrimaryKeyWithoutIndex,
	RefreshMaterializedViewConcurrently,
	ReleasedMigrationDeleted,
	ReleasedMigrationModified,
	RenameColumn,
	RenameTable,
	RequireConcurrentIndexCreation,
	RequireConcurrentIndexDeletion,
	RequireConcurrentReindex,
	RequireLockTimeout,
	SchemaDumpMismatch,
	SetNotNullWithoutCheck,
	StatementAfterAccessExclusive,
	StatementTooComplex,
	StillReferencedByNewRelease,
	SyntaxError,
	TransactionNesting,
	TruncateCascade,
	UniqueConstraintWithoutIndex,
	UnrecognisedMigrationCode,
	UnterminatedTransaction,
	VacuumFull,
	VerifyInsertBroken,
	VerifyLock,
	VerifyQueryBroken,
	VerifyRewrite,
	VerifyStatementFailed,
}

var byName = func() map[string]*Rule {
	m := make(map[string]*Rule, len(all))
	for _, r := range all {
		m[r.Name] = r
	}
	return m
}()

// Lookup returns the rule called name.
func Lookup(name string) (*Rule, bool) {
	r, ok := byName[name]
	return r, ok
}

// All returns every rule, sorted by name.
func All() []*Rule {
	return append([]*Rule(nil), all...)
}
