package lsp

import (
	"net/url"
	"path/filepath"
	"runtime"
	"strings"
)

// uriToPath returns the file path of a file: URI, and false for other
// schemes (untitled:, vscode-notebook-cell:).
func uriToPath(uri string) (string, bool) {
	u, err := url.Parse(uri)
	if err != nil || u.Scheme != "file" {
		return "", false
	}
	p := u.Path
	// file:///C:/dir -> C:/dir on Windows.
	if runtime.GOOS == "windows" && len(p) >= 3 && p[0] == '/' && p[2] == ':' {
		p = p[1:]
	}
	if p == "" {
		return "", false
	}
	return filepath.FromSlash(p), true
}

// pathToURI returns the file: URI of an absolute path.
func pathToURI(p string) string {
	p = filepath.ToSlash(p)
	if !strings.HasPrefix(p, "/") {
		p = "/" + p // C:/dir
	}
	return (&url.URL{Scheme: "file", Path: p}).String()
}

// uriName is a name for a document that is not a file: the last part of
// its URI.
func uriName(uri string) string {
	if u, err := url.Parse(uri); err == nil && u.Opaque != "" {
		return u.Opaque
	} else if err == nil && u.Path != "" {
		return u.Path
	}
	return uri
}
