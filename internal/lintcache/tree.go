package lintcache

import (
	"encoding/binary"
	"errors"
	"time"
)

// Tree is the state of the directories a lint run reads: every entry
// below them, with its kind, size, modification and change times and
// inode. A file edited, added, removed or renamed changes it.
type Tree struct {
	state  []byte
	latest time.Time // the latest modification or change time seen
}

// maxTreeEntries bounds what StatTree walks, twice in a run that keeps
// a memo: past it (a repository's root rather than its migrations) a run
// is not memoised.
const maxTreeEntries = 20_000

var errNoTree = errors.New("not a tree a memo can stand for")

// StatTree takes the state of the directories. ok is false, and no memo
// can be taken, when one is not a directory, holds a symbolic link (its
// target may change without it) or something that cannot be stat'ed, or
// holds too many entries.
func StatTree(dirs []string) (t Tree, ok bool) {
	n := 0
	for _, d := range dirs {
		t.state = binary.AppendUvarint(t.state, uint64(len(d)))
		t.state = append(t.state, d...)
		if err := statDir(&t, d, &n); err != nil {
			return Tree{}, false
		}
	}
	return t, true
}

// add records the entry at path p: its mode, size, and modification
// time, change time, inode and device (the times in nanoseconds).
func (t *Tree) add(p string, mode uint32, size int64, st [4]int64) {
	t.state = binary.AppendUvarint(t.state, uint64(len(p)))
	t.state = append(t.state, p...)
	t.state = binary.AppendUvarint(t.state, uint64(mode))
	t.state = binary.AppendVarint(t.state, size)
	for _, v := range st {
		t.state = binary.AppendVarint(t.state, v)
	}
	for _, ns := range st[:2] {
		if at := time.Unix(0, ns); at.After(t.latest) {
			t.latest = at
		}
	}
}
