//go:build !unix

package safefs

import "io/fs"

func listDir(_ *osFS, _ string, _ fs.File, dir fs.ReadDirFile) ([]fs.DirEntry, error) {
	return dir.ReadDir(-1)
}
