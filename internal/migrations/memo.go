package migrations

import (
	"crypto/sha256"
	"encoding/binary"
	"slices"
	"sync"

	"github.com/schemagate/schemagate/internal/migrations/django"
	"github.com/schemagate/schemagate/internal/migrations/migration"
)

// Memo remembers framework translations by content, so that the
// migrations two trees share (the releases of a check) are translated
// once. Its zero value is ready; a nil *Memo remembers nothing.
//
// A translation depends on every migration before it (the translator
// replays their state), so a migration is keyed by its path and text and
// by the key of the one before it: a tree whose migrations are a prefix
// of another's (the deployed release, before the pending ones) gets the
// other's translations. Only frameworks whose translation of a migration
// depends on nothing after it take part (see prefixStable).
//
// Django's translation depends on every migration of the set, so it is
// not remembered; the files' syntax trees are, which is most of its cost.
type Memo struct {
	mu     sync.Mutex
	done   map[memoKey]memoEntry
	django *django.Trees
}

type memoKey [sha256.Size]byte

type memoEntry struct {
	t             migration.Translation // Migration is left nil
	transactional bool                  // translators set it from the file
}

// NewMemo returns an empty memo.
func NewMemo() *Memo { return &Memo{} }

// framework returns fw set to share what the memo keeps: a Django
// translator its syntax trees. A nil fw is nil.
func (mm *Memo) framework(fw migration.Framework) migration.Framework {
	d, ok := fw.(*django.Django)
	if mm == nil || !ok {
		return fw
	}
	mm.mu.Lock()
	if mm.django == nil {
		mm.django = django.NewTrees()
	}
	mm.mu.Unlock()
	c := *d
	c.Trees = mm.django
	return &c
}

// Close frees what the memo keeps; the migrations read through it stay
// usable.
func (mm *Memo) Close() {
	if mm != nil {
		mm.django.Close()
	}
}

// prefixStable reports whether fw translates a migration from it and the
// migrations before it only (see migration.PrefixStable).
func prefixStable(fw migration.Framework) bool {
	p, ok := fw.(migration.PrefixStable)
	return ok && p.PrefixStable()
}

// translate translates the framework sets (see the package-level
// translate), taking what the memo has. A framework the memo shares by
// prefix waits for after to be closed, when it is set: the tree read at
// the same time has the translations to take.
func (mm *Memo) translate(sets []*dirSet, opt migration.TranslateOptions, after <-chan struct{}) {
	if mm == nil || opt.Catalog != nil {
		translate(sets, opt, nil)
		return
	}
	translate(sets, opt, func(fw migration.Framework, ms []*migration.Migration, opt migration.TranslateOptions) []migration.Translation {
		if after != nil && prefixStable(fw) {
			<-after
		}
		return mm.run(fw, ms, opt)
	})
}

// run translates one framework's migrations, or takes every translation
// from the memo when it has them all.
func (mm *Memo) run(fw migration.Framework, ms []*migration.Migration, opt migration.TranslateOptions) []migration.Translation {
	if !prefixStable(fw) {
		return fw.Translate(ms, opt)
	}
	keys := make([]memoKey, len(ms))
	var prev memoKey
	var n [8]byte
	for i, m := range ms {
		h := sha256.New()
		h.Write(prev[:])
		binary.LittleEndian.PutUint64(n[:], uint64(opt.PGVersion))
		h.Write(n[:])
		h.Write([]byte(string(fw.Format()) + "\x00" + m.Path + "\x00"))
		if m.File != nil {
			h.Write(m.File.Text)
		}
		copy(keys[i][:], h.Sum(nil))
		prev = keys[i]
	}
	mm.mu.Lock()
	cached := make([]memoEntry, 0, len(ms))
	for _, k := range keys {
		e, ok := mm.done[k]
		if !ok {
			break
		}
		cached = append(cached, e)
	}
	mm.mu.Unlock()
	if len(cached) == len(ms) {
		out := make([]migration.Translation, len(ms))
		for i, e := range cached {
			out[i] = e.t
			out[i].Migration = ms[i]
			ms[i].Transactional = e.transactional
		}
		return out
	}
	out := fw.Translate(ms, opt)
	mm.mu.Lock()
	defer mm.mu.Unlock()
	if mm.done == nil {
		mm.done = map[memoKey]memoEntry{}
	}
	for i, t := range out {
		if i >= len(ms) || t.Migration != ms[i] {
			if i = slices.Index(ms, t.Migration); i < 0 {
				continue
			}
		}
		e := memoEntry{t: t, transactional: t.Migration.Transactional}
		e.t.Migration = nil
		mm.done[keys[i]] = e
	}
	return out
}
