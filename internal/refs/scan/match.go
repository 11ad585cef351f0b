package scan

import (
	"path"
	"strings"
)

// Match reports whether a slash-separated path relative to the scanned
// root matches an exclusion pattern. Patterns use path.Match syntax per
// segment plus "**", which matches any number of segments (none
// included). A pattern without a slash matches the base name at any
// depth ("*.md"); a pattern ending in "/" matches only directories, and
// with them everything below. A leading "./" or "/" anchors nothing
// extra: every pattern is matched against the whole relative path.
func Match(pattern, p string, isDir bool) bool {
	dirOnly := strings.HasSuffix(pattern, "/")
	pattern = strings.Trim(pattern, "/")
	pattern = strings.TrimPrefix(pattern, "./")
	if pattern == "" {
		return false
	}
	if dirOnly && !isDir {
		return false
	}
	if !strings.Contains(pattern, "/") {
		ok, _ := path.Match(pattern, path.Base(p))
		return ok
	}
	return matchSegments(strings.Split(pattern, "/"), strings.Split(p, "/"))
}

func matchSegments(pat, segs []string) bool {
	for len(pat) > 0 {
		if pat[0] == "**" {
			rest := pat[1:]
			for i := 0; i <= len(segs); i++ {
				if matchSegments(rest, segs[i:]) {
					return true
				}
			}
			return false
		}
		if len(segs) == 0 {
			return false
		}
		if ok, _ := path.Match(pat[0], segs[0]); !ok {
			return false
		}
		pat, segs = pat[1:], segs[1:]
	}
	return len(segs) == 0
}
