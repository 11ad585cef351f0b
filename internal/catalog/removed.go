package catalog

import "github.com/schemagate/schemagate/internal/ops"

// removal is where and how the replay saw an object go.
type removal struct {
	Origin Origin
	How    string // "dropped it", "renamed it to x", ...
	Since  int    // the replay order it went at
}

func relationKey(n ops.Name) string { return "relation:" + n.Key() }
func indexKey(n ops.Name) string    { return "index:" + n.Key() }

// remember records that the object under key went at op.
func (c *Catalog) remember(key string, at Origin, how string) {
	if c.removed == nil {
		c.removed = map[string]removal{}
	}
	c.removed[key] = removal{at, how, c.Order}
}

// forget drops what was recorded under key: the object is back.
func (c *Catalog) forget(key string) { delete(c.removed, key) }

func (t *Table) rememberColumn(name string, at Origin, how string, order int) {
	if t.removedColumns == nil {
		t.removedColumns = map[string]removal{}
	}
	t.removedColumns[name] = removal{at, how, order}
}

// Opaque records that code the replay could not read ran (a DO block, a
// procedure, migration code no translator understood): it may have
// changed any table, so from here on the catalog vouches only for what
// it sees made after it.
func (c *Catalog) Opaque() {
	for _, t := range c.Tables {
		t.Partial, t.Unsure = true, true
		t.removedColumns = nil
	}
	c.removed = nil
}
