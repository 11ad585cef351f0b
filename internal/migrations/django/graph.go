package django

import (
	"fmt"
	"sort"

	"github.com/schemagate/schemagate/internal/migrations/migration"
)

type nodeKey struct{ app, name string }

func (k nodeKey) String() string { return k.app + "." + k.name }

func lessKey(a, b nodeKey) bool {
	if a.app != b.app {
		return a.app < b.app
	}
	return a.name < b.name
}

type node struct {
	key      nodeKey
	f        *found
	parents  map[nodeKey]bool
	children map[nodeKey]bool
}

// graph is Django's MigrationGraph: a node per migration, an edge from
// each dependency to its dependant.
type graph struct {
	nodes map[nodeKey]*node
}

func (g *graph) addEdge(child, parent nodeKey) {
	c, p := g.nodes[child], g.nodes[parent]
	if c == nil || p == nil || child == parent {
		return
	}
	c.parents[parent] = true
	p.children[child] = true
}

func (g *graph) removeEdge(child, parent nodeKey) {
	if c := g.nodes[child]; c != nil {
		delete(c.parents, parent)
	}
	if p := g.nodes[parent]; p != nil {
		delete(p.children, child)
	}
}

func (g *graph) hasApp(app string) bool {
	for k := range g.nodes {
		if k.app == app {
			return true
		}
	}
	return false
}

func sortedKeys(m map[nodeKey]bool) []nodeKey {
	out := make([]nodeKey, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Slice(out, func(i, j int) bool { return lessKey(out[i], out[j]) })
	return out
}

// endOf resolves __first__ and __latest__: the first (in name order)
// migration of the app with no neighbour in the same app, neighbours
// being a node's parents (a root, __first__) or its children (a leaf,
// __latest__).
func (g *graph) endOf(app string, neighbours func(*node) map[nodeKey]bool) (nodeKey, bool) {
	var best []nodeKey
	for k, n := range g.nodes {
		if k.app != app {
			continue
		}
		end := true
		for p := range neighbours(n) {
			if p.app == app {
				end = false
				break
			}
		}
		if end {
			best = append(best, k)
		}
	}
	return first(best)
}

func first(ks []nodeKey) (nodeKey, bool) {
	if len(ks) == 0 {
		return nodeKey{}, false
	}
	sort.Slice(ks, func(i, j int) bool { return lessKey(ks[i], ks[j]) })
	return ks[0], true
}

func problem(f *found, start, end int, format string, args ...any) {
	f.m.Problems = append(f.m.Problems, migration.Problem{Span: f.m.File.Span(start, end), Message: fmt.Sprintf(format, args...)})
}

// orderMigrations builds the graph and returns the migrations in apply
// order, and the files left out (duplicate labels, originals replaced by
// a squash that is used).
func orderMigrations(all []*found) ([]*found, []migration.Skipped) {
	g := &graph{nodes: map[nodeKey]*node{}}
	var skipped []migration.Skipped
	dirOf := map[string]string{}
	for _, f := range all {
		k := f.key()
		if prev, ok := g.nodes[k]; ok {
			skipped = append(skipped, migration.Skipped{Path: f.m.Path, Reason: fmt.Sprintf("migration %s is also %s: two apps share the label %q", k, prev.f.m.Path, k.app)})
			continue
		}
		dirOf[k.app] = f.m.Path
		g.nodes[k] = &node{key: k, f: f, parents: map[nodeKey]bool{}, children: map[nodeKey]bool{}}
	}
	resolve := func(f *found, dep dependency) (nodeKey, bool) {
		switch {
		case !g.hasApp(dep.app):
			return nodeKey{}, false // an app outside the tree (django.contrib, a package): applied before
		case dep.name == "__first__":
			return g.endOf(dep.app, func(n *node) map[nodeKey]bool { return n.parents })
		case dep.name == "__latest__":
			return g.endOf(dep.app, func(n *node) map[nodeKey]bool { return n.children })
		}
		k := nodeKey{dep.app, dep.name}
		if g.nodes[k] == nil {
			problem(f, dep.start, dep.end, "dependency %s does not exist: Django stops with NodeNotFoundError", k)
			return nodeKey{}, false
		}
		return k, true
	}
	// Internal dependencies first, as Django's loader adds them, so that
	// __first__ and __latest__ see each app's own chain.
	for _, n := range sortedNodes(g) {
		for _, dep := range n.f.deps {
			if dep.app == n.key.app && dep.name != "__first__" && dep.name != "__latest__" {
				if k, ok := resolve(n.f, dep); ok {
					g.addEdge(n.key, k)
				}
			}
		}
	}
	for _, n := range sortedNodes(g) {
		for _, dep := range n.f.deps {
			if dep.app != n.key.app || dep.name == "__first__" || dep.name == "__latest__" {
				if k, ok := resolve(n.f, dep); ok {
					g.addEdge(n.key, k)
				}
			}
		}
		rb, bad := pairs(n.f.class.runBefore, "auth.User")
		for _, b := range bad {
			problem(n.f, b.start, b.end, "run_before entry is not an (app_label, migration_name) pair")
		}
		for _, dep := range rb {
			if k, ok := resolve(n.f, dep); ok {
				g.addEdge(k, n.key)
			}
		}
	}
	squashAfter := applyReplacements(g, &skipped)
	breakCycles(g)
	plan := planOf(g)
	// A squash whose originals are all used goes right after the last of
	// them.
	var out []*found
	pending := map[nodeKey][]*found{}
	for _, s := range squashAfter {
		pending[s.after] = append(pending[s.after], s.f)
	}
	for _, k := range plan {
		out = append(out, g.nodes[k].f)
		out = append(out, pending[k]...)
	}
	return out, skipped
}

func sortedNodes(g *graph) []*node {
	out := make([]*node, 0, len(g.nodes))
	for _, n := range g.nodes {
		out = append(out, n)
	}
	sort.Slice(out, func(i, j int) bool { return lessKey(out[i].key, out[j].key) })
	return out
}

type squashPlacement struct {
	f     *found
	after nodeKey
}

// applyReplacements decides, for each squashed migration, whether its
// originals or the squash are used (see Discover).
func applyReplacements(g *graph, skipped *[]migration.Skipped) []squashPlacement {
	var out []squashPlacement
	for _, n := range sortedNodes(g) {
		if n.f.class.replaces == nil {
			continue
		}
		replaced, bad := pairs(n.f.class.replaces, "auth.User")
		for _, b := range bad {
			problem(n.f, b.start, b.end, "replaces entry is not an (app_label, migration_name) pair")
		}
		if len(replaced) == 0 {
			continue
		}
		set := map[nodeKey]bool{}
		var present []nodeKey
		for _, r := range replaced {
			k := nodeKey{r.app, r.name}
			set[k] = true
			if g.nodes[k] != nil {
				present = append(present, k)
			}
		}
		if len(present) == len(replaced) {
			// Use the originals: children of the squash now depend on the
			// last original.
			last := present[len(present)-1]
			for c := range n.children {
				g.removeEdge(c, n.key)
				if !set[c] {
					g.addEdge(c, last)
				}
			}
			for p := range n.parents {
				g.removeEdge(n.key, p)
			}
			delete(g.nodes, n.key)
			n.f.replacedBy = "" // kept as a no-op
			out = append(out, squashPlacement{f: n.f, after: last})
			continue
		}
		// Use the squash: the originals still on disk go, their other
		// children depend on the squash.
		for _, k := range present {
			r := g.nodes[k]
			for c := range r.children {
				g.removeEdge(c, k)
				if !set[c] && c != n.key {
					g.addEdge(c, n.key)
				}
			}
			for p := range r.parents {
				g.removeEdge(k, p)
				if !set[p] {
					g.addEdge(n.key, p)
				}
			}
			delete(g.nodes, k)
			r.f.replacedBy = n.key.String()
			*skipped = append(*skipped, migration.Skipped{Path: r.f.m.Path, Reason: fmt.Sprintf("replaced by the squashed migration %s, which Django applies instead (some of the migrations it replaces are gone)", n.key)})
		}
	}
	return out
}

// breakCycles removes the edges that close dependency cycles, reporting
// each on the migration that declares it: Django refuses to run them
// (CircularDependencyError), but the files are still checked.
func breakCycles(g *graph) {
	const (
		white = iota
		grey
		black
	)
	colour := map[nodeKey]int{}
	var visit func(k nodeKey)
	visit = func(k nodeKey) {
		colour[k] = grey
		n := g.nodes[k]
		for _, p := range sortedKeys(n.parents) {
			switch colour[p] {
			case white:
				visit(p)
			case grey:
				g.removeEdge(k, p)
				start, end := 0, 0
				for _, d := range n.f.deps {
					if d.app == p.app && d.name == p.name {
						start, end = d.start, d.end
					}
				}
				problem(n.f, start, end, "circular dependency: %s depends on %s, which depends on it: Django stops with CircularDependencyError", k, p)
			}
		}
		colour[k] = black
	}
	for _, n := range sortedNodes(g) {
		if colour[n.key] == white {
			visit(n.key)
		}
	}
}

// planOf is `migrate`'s plan: for each leaf node in sorted order, a
// depth-first walk over its dependencies that visits parents from the
// highest key down (Django pushes them sorted on a stack), emitting a
// node after its parents.
func planOf(g *graph) []nodeKey {
	var leaves []nodeKey
	for k, n := range g.nodes {
		leaf := true
		for c := range n.children {
			if c.app == k.app {
				leaf = false
				break
			}
		}
		if leaf {
			leaves = append(leaves, k)
		}
	}
	sort.Slice(leaves, func(i, j int) bool { return lessKey(leaves[i], leaves[j]) })
	done := map[nodeKey]bool{}
	var plan []nodeKey
	type frame struct {
		k         nodeKey
		processed bool
	}
	for _, leaf := range leaves {
		stack := []frame{{leaf, false}}
		for len(stack) > 0 {
			fr := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			switch {
			case done[fr.k]:
			case fr.processed:
				done[fr.k] = true
				plan = append(plan, fr.k)
			default:
				stack = append(stack, frame{fr.k, true})
				for _, p := range sortedKeys(g.nodes[fr.k].parents) {
					if !done[p] {
						stack = append(stack, frame{p, false})
					}
				}
			}
		}
	}
	return plan
}
