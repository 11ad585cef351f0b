package lint

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"hash"

	"github.com/schemagate/schemagate/internal/config"
	"github.com/schemagate/schemagate/internal/migrations/migration"
	"github.com/schemagate/schemagate/rules"
)

// storeKey names everything a run's findings depend on: the PostgreSQL
// version, the configuration, the rules, the schema before the first
// unit and every unit as discovery read it (its path, format, regions,
// problems and text, in order). The tool itself is the Store's part of
// the key. It is "" for a run whose findings depend on more than that.
func storeKey(units []*migration.Migration, opt Options, ver int, active []*rules.Rule, cfg *config.Config) string {
	if opt.Store == nil || opt.Compat != nil || opt.Schema != nil || opt.SchemaAt != nil {
		return ""
	}
	if opt.StoreBase == "" && opt.Catalog != nil && !opt.Catalog.Empty() {
		return ""
	}
	h := sha256.New()
	h.Write([]byte("schemagate lint findings v1\x00"))
	writeInt(h, ver)
	if !writeJSON(h, cfg) {
		return ""
	}
	// Severities set on the command line are not in the config's fields.
	writeInt(h, len(active))
	for _, r := range active {
		writeString(h, r.Name)
		sev, ok := cfg.Severity(r.Name)
		if !ok {
			sev = -1
		}
		writeInt(h, int(sev))
	}
	writeString(h, opt.StoreBase)
	writeInt(h, len(units))
	for _, u := range units {
		// A translated migration's operations depend on the framework's
		// reading of other files too: not named here.
		if u.Framework {
			return ""
		}
		// What discovery read, without what parsing adds.
		d := *u
		d.File, d.Statements, d.SyntaxErrors, d.Ops, d.SQL = nil, nil, nil, nil, nil
		if !writeJSON(h, &d) {
			return ""
		}
		writeInt(h, len(u.File.Text))
		h.Write(u.File.Text)
	}
	return hex.EncodeToString(h.Sum(nil))
}

func writeInt(h hash.Hash, n int) { h.Write(binary.BigEndian.AppendUint64(nil, uint64(n))) }

// writeString writes s with its length, so that no two sequences of
// strings write the same bytes.
func writeString(h hash.Hash, s string) {
	writeInt(h, len(s))
	h.Write([]byte(s))
}

func writeJSON(h hash.Hash, v any) bool {
	b, err := json.Marshal(v)
	if err != nil {
		return false
	}
	writeString(h, string(b))
	return true
}
