package lint

import (
	"github.com/schemagate/schemagate/internal/catalog"
	"github.com/schemagate/schemagate/internal/ops"
)

// withoutNoopDrops removes the DROP TABLE IF EXISTS operations that drop
// nothing: the table is not in the catalog and the same migration creates
// it afterwards (Rails' create_table force: sends exactly that). Such a
// migration is a plain create; its drop takes no lock and breaks no
// release.
func withoutNoopDrops(list []ops.Op, cat *catalog.Catalog) []ops.Op {
	noop := func(i int) bool {
		op := list[i]
		if op.Kind != ops.DropTable || !op.IfExists || cat.Table(op.Table) != nil {
			return false
		}
		for _, later := range list[i+1:] {
			if later.Kind == ops.CreateTable && later.Table.Key() == op.Table.Key() {
				return true
			}
		}
		return false
	}
	var out []ops.Op
	for i := range list {
		if noop(i) {
			if out == nil {
				out = append(make([]ops.Op, 0, len(list)), list[:i]...)
			}
			continue
		}
		if out != nil {
			out = append(out, list[i])
		}
	}
	if out == nil {
		return list
	}
	return out
}
