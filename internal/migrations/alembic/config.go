package alembic

import (
	"bufio"
	"bytes"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"strings"

	"github.com/schemagate/schemagate/internal/migrations/migration"
	"github.com/schemagate/schemagate/internal/safefs"
)

// location is a directory alembic loads revision files from.
type location struct {
	dir       string
	recursive bool
}

// iniFile is the [alembic] section of an alembic.ini, as configparser
// reads it: "key = value" or "key: value", indented continuation lines,
// full-line comments, %(name)s interpolation.
type iniFile map[string]string

func parseIni(text []byte, section string) iniFile {
	out := iniFile{}
	in := false
	last := ""
	sc := bufio.NewScanner(bytes.NewReader(text))
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	for sc.Scan() {
		line := strings.TrimRight(sc.Text(), "\r")
		trimmed := strings.TrimSpace(line)
		switch {
		case trimmed == "" || trimmed[0] == '#' || trimmed[0] == ';':
			continue
		case trimmed[0] == '[' && strings.HasSuffix(trimmed, "]"):
			in = strings.TrimSpace(trimmed[1:len(trimmed)-1]) == section
			last = ""
			continue
		case !in:
			continue
		case line[0] == ' ' || line[0] == '\t':
			if last != "" {
				out[last] += "\n" + trimmed
			}
			continue
		}
		i := strings.IndexAny(line, "=:")
		if i < 0 {
			continue
		}
		key := strings.ToLower(strings.TrimSpace(line[:i]))
		out[key] = strings.TrimSpace(line[i+1:])
		last = key
	}
	return out
}

var interpolation = regexp.MustCompile(`%\(([^)]+)\)s`)

// get returns key with %(here)s and %(other)s interpolated; here is the
// directory of the ini file. An inline " # comment" is dropped: the
// alembic.ini template puts one after a value, and no path has it.
func (f iniFile) get(key, here string) string {
	v, ok := f[key]
	if !ok {
		return ""
	}
	for _, sep := range []string{" #", "\t#", " ;"} {
		if i := strings.Index(v, sep); i >= 0 {
			v = v[:i]
		}
	}
	for n := 0; n < 5 && strings.Contains(v, "%("); n++ {
		v = interpolation.ReplaceAllStringFunc(v, func(m string) string {
			name := strings.ToLower(interpolation.FindStringSubmatch(m)[1])
			if name == "here" {
				return here
			}
			if r, ok := f[name]; ok {
				return r
			}
			return m
		})
	}
	return strings.ReplaceAll(strings.TrimSpace(v), "%%", "%")
}

// hereMarker stands for the ini file's directory while values are
// interpolated, so that "%(here)s/alembic" resolves against dir.
const hereMarker = "\x00here"

// resolvePath turns a path from the ini file into a path of fsys: relative
// paths are relative to the ini file's directory (alembic resolves them
// from the working directory, which is where alembic.ini lives when it
// runs); "package:dir" resource paths become the package's directory.
func resolvePath(dir, p string) (string, error) {
	if strings.HasPrefix(p, hereMarker) {
		return path.Join(dir, strings.TrimPrefix(p, hereMarker)), nil
	}
	if strings.HasPrefix(p, "/") {
		return "", fmt.Errorf("%q is an absolute path: run schemagate on the migration directory itself", p)
	}
	if pkg, rest, ok := strings.Cut(p, ":"); ok && !strings.Contains(pkg, "/") && pkg != "" && !strings.Contains(p, "\\") {
		return path.Join(importRoot(dir, strings.ReplaceAll(pkg, ".", "/")), strings.ReplaceAll(pkg, ".", "/"), rest), nil
	}
	return path.Join(dir, p), nil
}

// importRoot is the directory Python imports pkgDir from: the part of
// dir before pkgDir when the ini file lives inside the package itself
// (an installed package's alembic.ini names its own package, as in
// "aodh.storage.sqlalchemy:alembic"), else dir.
func importRoot(dir, pkgDir string) string {
	d := "/" + dir + "/"
	if i := strings.LastIndex(d, "/"+pkgDir+"/"); i >= 0 {
		return strings.Trim(d[:i], "/")
	}
	return dir
}

// locate finds the revision directories of the alembic project at dir:
// from alembic.ini (script_location, version_locations), from
// pyproject.toml's [tool.alembic], or a versions/ directory of revision
// files (dir itself when it is one).
func locate(fsys fs.FS, dir string) ([]location, error) {
	if text, err := safefs.ReadFile(fsys, path.Join(dir, "alembic.ini"), migration.DefaultMaxFileSize); err == nil {
		return iniLocations(parseIni(text, "alembic"), dir, "alembic.ini")
	}
	if text, err := safefs.ReadFile(fsys, path.Join(dir, "pyproject.toml"), migration.DefaultMaxFileSize); err == nil {
		if f := parseToolAlembic(text); f["script_location"] != "" {
			return iniLocations(f, dir, "pyproject.toml")
		}
	}
	for _, d := range []string{path.Join(dir, "versions"), dir} {
		if hasRevisionFiles(fsys, d) {
			return []location{{dir: d}}, nil
		}
	}
	return nil, fmt.Errorf("%s: no alembic.ini, and no versions/ directory of alembic revision files", dir)
}

func iniLocations(f iniFile, dir, name string) ([]location, error) {
	script := f.get("script_location", hereMarker)
	if script == "" {
		return nil, fmt.Errorf("%s: no script_location in the [alembic] section", path.Join(dir, name))
	}
	scriptDir, err := resolvePath(dir, script)
	if err != nil {
		return nil, fmt.Errorf("%s: script_location %w", path.Join(dir, name), err)
	}
	recursive := isTrue(f.get("recursive_version_locations", hereMarker))
	vl := f.get("version_locations", hereMarker)
	if vl == "" {
		return []location{{dir: path.Join(scriptDir, "versions"), recursive: recursive}}, nil
	}
	var out []location
	for _, p := range splitLocations(vl, f.get("version_path_separator", hereMarker)) {
		d, err := resolvePath(dir, p)
		if err != nil {
			return nil, fmt.Errorf("%s: version_locations %w", path.Join(dir, name), err)
		}
		out = append(out, location{dir: d, recursive: recursive})
	}
	return out, nil
}

// splitLocations splits version_locations as alembic does for the given
// version_path_separator (none: spaces and commas, the legacy rule).
func splitLocations(v, sep string) []string {
	var parts []string
	switch sep {
	case "":
		parts = strings.FieldsFunc(v, func(r rune) bool { return r == ' ' || r == ',' || r == '\n' })
	case "space":
		parts = strings.Fields(v)
	case "newline":
		parts = strings.Split(v, "\n")
	case "os":
		parts = strings.Split(v, ":")
	default:
		parts = strings.Split(v, sep)
	}
	var out []string
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func isTrue(s string) bool {
	switch strings.ToLower(s) {
	case "true", "1", "yes", "on":
		return true
	}
	return false
}

// parseToolAlembic reads the string keys of pyproject.toml's
// [tool.alembic] table (alembic 1.16+).
func parseToolAlembic(text []byte) iniFile {
	out := iniFile{}
	in := false
	for _, line := range strings.Split(string(text), "\n") {
		l := strings.TrimSpace(line)
		if strings.HasPrefix(l, "[") {
			in = l == "[tool.alembic]"
			continue
		}
		if !in {
			continue
		}
		k, v, ok := strings.Cut(l, "=")
		if !ok {
			continue
		}
		v = strings.TrimSpace(v)
		if len(v) >= 2 && (v[0] == '"' || v[0] == '\'') && v[len(v)-1] == v[0] {
			out[strings.TrimSpace(k)] = v[1 : len(v)-1]
		}
	}
	return out
}

var (
	revisionLine     = regexp.MustCompile(`(?m)^revision\s*(:[^=\n]*)?=`)
	downRevisionLine = regexp.MustCompile(`(?m)^down_revision\s*(:[^=\n]*)?=`)
)

// looksLikeRevision is the cheap test Detect uses: a module-level
// revision and down_revision assignment.
func looksLikeRevision(text []byte) bool {
	return revisionLine.Match(text) && downRevisionLine.Match(text)
}

// hasRevisionFiles reports whether d holds at least one alembic revision
// file.
func hasRevisionFiles(fsys fs.FS, d string) bool {
	entries, err := fs.ReadDir(fsys, d)
	if err != nil {
		return false
	}
	for _, e := range entries {
		if e.IsDir() || !isRevisionName(e.Name()) {
			continue
		}
		f, err := fsys.Open(path.Join(d, e.Name()))
		if err != nil {
			continue
		}
		buf := make([]byte, 64*1024)
		n, _ := f.Read(buf)
		f.Close()
		if looksLikeRevision(buf[:n]) {
			return true
		}
	}
	return false
}

// isRevisionName is alembic's file filter: Python sources other than
// __init__.py and editor lock files.
func isRevisionName(name string) bool {
	return strings.HasSuffix(name, ".py") && !strings.HasPrefix(name, "__init__") && !strings.HasPrefix(name, ".#")
}
