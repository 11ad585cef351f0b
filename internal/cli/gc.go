package cli

import (
	"os"
	"runtime/debug"
)

// collectAt sets the garbage collector's target growth for a command's
// work, unless the user's GOGC decides, and returns what restores it
// (commands also run in-process, in tests).
func collectAt(percent int) (restore func()) {
	if os.Getenv("GOGC") != "" {
		return func() {}
	}
	old := debug.SetGCPercent(percent)
	return func() { debug.SetGCPercent(old) }
}
