//go:build !race

package gitrev

const raceEnabled = false
