package abi

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// Problem is one thing wrong with a document, at a JSON pointer into it.
type Problem struct {
	// Path is a JSON pointer (RFC 6901) such as "/permissions/http/allowedHosts/2";
	// "" is the whole document.
	Path    string `json:"path"`
	Message string `json:"message"`
}

// String returns "path: message".
func (p Problem) String() string {
	if p.Path == "" {
		return p.Message
	}
	return p.Path + ": " + p.Message
}

// Problems lists everything wrong with a document; as an error it names all of them.
type Problems []Problem

// Error implements the error interface.
func (ps Problems) Error() string {
	switch len(ps) {
	case 0:
		return "no problems"
	case 1:
		return ps[0].String()
	}
	var sb strings.Builder
	sb.WriteString(strconv.Itoa(len(ps)))
	sb.WriteString(" problems: ")
	for i, p := range ps {
		if i > 0 {
			sb.WriteString("; ")
		}
		sb.WriteString(p.String())
	}
	return sb.String()
}

// At returns the problems reported at path or below it.
func (ps Problems) At(path string) Problems {
	var out Problems
	for _, p := range ps {
		if under(p.Path, path) {
			out = append(out, p)
		}
	}
	return out
}

// under reports whether JSON pointer p is base or inside it.
func under(p, base string) bool {
	return p == base || strings.HasPrefix(p, base+"/") || base == ""
}

// sortProblems orders problems by path, keeping the order of those at one path.
func sortProblems(ps Problems) {
	sort.SliceStable(ps, func(i, j int) bool { return ps[i].Path < ps[j].Path })
}

// pointer builds a JSON pointer from tokens, escaping "~" and "/".
func pointer(tokens ...string) string {
	var sb strings.Builder
	for _, t := range tokens {
		sb.WriteByte('/')
		t = strings.ReplaceAll(t, "~", "~0")
		sb.WriteString(strings.ReplaceAll(t, "/", "~1"))
	}
	return sb.String()
}

// problemList collects problems.
type problemList struct{ ps Problems }

func (l *problemList) add(path, format string, args ...any) {
	msg := format
	if len(args) > 0 {
		msg = fmt.Sprintf(format, args...)
	}
	l.ps = append(l.ps, Problem{Path: path, Message: msg})
}
