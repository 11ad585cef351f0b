//go:build race

package gitrev

// raceEnabled turns off timing limits: the race detector slows the
// parsing several times over.
const raceEnabled = true
