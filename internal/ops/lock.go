package ops

import (
	"encoding/json"
	"fmt"
	"strings"
)

// LockMode is a PostgreSQL table-level lock mode, ordered by strength.
type LockMode int

// Lock modes, weakest first, as in PostgreSQL's lock.h.
const (
	NoLock LockMode = iota
	AccessShare
	RowShare
	RowExclusive
	ShareUpdateExclusive
	Share
	ShareRowExclusive
	Exclusive
	AccessExclusive
)

var lockNames = [...]string{
	"NONE", "ACCESS SHARE", "ROW SHARE", "ROW EXCLUSIVE", "SHARE UPDATE EXCLUSIVE",
	"SHARE", "SHARE ROW EXCLUSIVE", "EXCLUSIVE", "ACCESS EXCLUSIVE",
}

// String is the mode as SQL spells it ("ACCESS EXCLUSIVE").
func (m LockMode) String() string {
	if m < 0 || int(m) >= len(lockNames) {
		return fmt.Sprintf("lock(%d)", int(m))
	}
	return lockNames[m]
}

// PgLocksName is the mode as pg_locks.mode spells it ("AccessExclusiveLock").
func (m LockMode) PgLocksName() string {
	if m == NoLock {
		return ""
	}
	parts := strings.Fields(strings.ToLower(m.String()))
	for i, p := range parts {
		parts[i] = strings.ToUpper(p[:1]) + p[1:]
	}
	return strings.Join(parts, "") + "Lock"
}

// ParsePgLocksName reads pg_locks.mode.
func ParsePgLocksName(s string) (LockMode, bool) {
	for m := AccessShare; m <= AccessExclusive; m++ {
		if m.PgLocksName() == s {
			return m, true
		}
	}
	return NoLock, false
}

// BlocksReads reports whether the mode conflicts with plain SELECT
// (ACCESS SHARE).
func (m LockMode) BlocksReads() bool { return m == AccessExclusive }

// BlocksWrites reports whether the mode conflicts with INSERT/UPDATE/
// DELETE (ROW EXCLUSIVE).
func (m LockMode) BlocksWrites() bool { return m >= Share }

// MarshalJSON writes the SQL spelling.
func (m LockMode) MarshalJSON() ([]byte, error) { return json.Marshal(m.String()) }

// UnmarshalJSON reads the SQL spelling.
func (m *LockMode) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	for i, n := range lockNames {
		if n == s {
			*m = LockMode(i)
			return nil
		}
	}
	return fmt.Errorf("unknown lock mode %q", s)
}

// lockModeFromLockStmt maps LOCK TABLE's mode number (lockdefs.h) to ours;
// the numbering is the same.
func lockModeFromLockStmt(mode int32) LockMode {
	if mode < 1 || mode > int32(AccessExclusive) {
		return AccessExclusive
	}
	return LockMode(mode)
}
