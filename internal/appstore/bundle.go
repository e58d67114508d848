package appstore

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"strings"
	"unicode/utf8"
)

// Names of an app's two files inside a bundle.
const (
	ManifestFile = "config.json"
	ModuleFile   = "app.wasm"
)

// BundleLimits are the caps of an uploaded .tar.gz or .zip bundle. Every
// size is counted on the bytes actually read, never on what a header
// declares.
type BundleLimits struct {
	// MaxCompressed caps the bundle as uploaded.
	MaxCompressed int64
	// MaxTotal caps the bytes of all entries together, decompressed.
	MaxTotal int64
	// MaxEntries caps the number of entries, folders included.
	MaxEntries int
	// MaxEntry caps one entry, decompressed.
	MaxEntry int64
	// MaxRatio caps decompressed over compressed bytes, beyond a first
	// RatioSlack bytes that any ratio may reach (decompression bombs).
	MaxRatio   int64
	RatioSlack int64
}

// DefaultBundleLimits returns caps for modules of up to maxModule bytes: the
// bundle and its contents at most the module plus 4 MiB, 256 entries, a
// ratio of 100 past the first MiB.
func DefaultBundleLimits(maxModule int64) BundleLimits {
	return BundleLimits{
		MaxCompressed: maxModule + 4<<20,
		MaxTotal:      maxModule + 4<<20,
		MaxEntries:    256,
		MaxEntry:      maxModule,
		MaxRatio:      100,
		RatioSlack:    1 << 20,
	}
}

func (l BundleLimits) validate() error {
	if l.MaxCompressed <= 0 || l.MaxTotal <= 0 || l.MaxEntries <= 0 || l.MaxEntry <= 0 || l.MaxRatio <= 0 || l.RatioSlack < 0 {
		return fmt.Errorf("appstore: bundle limits must be positive: %+v", l)
	}
	return nil
}

// Upload is an app version as uploaded: its manifest and its module.
type Upload struct {
	Manifest []byte
	Wasm     []byte
}

// ReadBundle unpacks a .tar.gz or .zip (told apart by their first bytes)
// of an app folder: config.json and app.wasm at the top, or inside one
// top-level folder; other files are allowed and ignored. It refuses, with a
// *BundleError, archives over any cap, absolute or escaping paths, links
// and any entry that is not a plain file or folder, duplicate entries, and
// a bundle without exactly one config.json and one app.wasm.
func ReadBundle(data []byte, lim BundleLimits) (Upload, error) {
	if err := lim.validate(); err != nil {
		return Upload{}, err
	}
	if int64(len(data)) > lim.MaxCompressed {
		return Upload{}, bundleTooLarge("bundle is %d bytes, over the limit of %d", len(data), lim.MaxCompressed)
	}
	u := &unpacker{lim: lim, compressed: int64(len(data)), seen: map[string]bool{}, files: map[string][]byte{}}
	var err error
	switch {
	case bytes.HasPrefix(data, []byte{0x1f, 0x8b}):
		err = u.readTarGz(data)
	case bytes.HasPrefix(data, []byte("PK\x03\x04")), bytes.HasPrefix(data, []byte("PK\x05\x06")):
		err = u.readZip(data)
	default:
		return Upload{}, bundleErr("not a .tar.gz or .zip archive")
	}
	if err != nil {
		return Upload{}, err
	}
	return u.upload()
}

// unpacker collects a bundle's entries under its caps.
type unpacker struct {
	lim        BundleLimits
	compressed int64
	total      int64
	entries    int
	seen       map[string]bool   // every entry name, cleaned
	files      map[string][]byte // config.json and app.wasm found, by full name
}

func (u *unpacker) readTarGz(data []byte) error {
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return bundleErr("not a gzip stream: %v", err)
	}
	defer zr.Close()
	tr := tar.NewReader(zr)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if errors.Is(err, tar.ErrInsecurePath) && h != nil {
			return bundleErr("entry %q escapes the bundle (path traversal)", clean(h.Name))
		}
		if err != nil {
			return bundleErr("malformed tar: %v", err)
		}
		var kind entryKind
		switch h.Typeflag {
		case tar.TypeReg:
			kind = kindFile
		case tar.TypeDir:
			kind = kindDir
		case tar.TypeXGlobalHeader:
			continue // PAX metadata of the whole archive, not an entry
		case tar.TypeSymlink, tar.TypeLink:
			return bundleErr("entry %q is a link; bundles may hold only files and folders", clean(h.Name))
		default:
			return bundleErr("entry %q is not a plain file or folder (type %q)", clean(h.Name), h.Typeflag)
		}
		if err := u.entry(h.Name, kind, tr); err != nil {
			return err
		}
	}
}

func (u *unpacker) readZip(data []byte) error {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if errors.Is(err, zip.ErrInsecurePath) {
		return bundleErr("an entry escapes the bundle (path traversal)")
	}
	if err != nil {
		return bundleErr("malformed zip: %v", err)
	}
	if len(zr.File) > u.lim.MaxEntries {
		return bundleTooLarge("bundle has %d entries, over the limit of %d", len(zr.File), u.lim.MaxEntries)
	}
	for _, f := range zr.File {
		mode := f.Mode()
		var kind entryKind
		switch {
		case mode&fs.ModeSymlink != 0:
			return bundleErr("entry %q is a link; bundles may hold only files and folders", clean(f.Name))
		case mode.IsDir():
			kind = kindDir
		case mode.IsRegular():
			kind = kindFile
		default:
			return bundleErr("entry %q is not a plain file or folder", clean(f.Name))
		}
		if kind == kindDir {
			if err := u.entry(f.Name, kind, nil); err != nil {
				return err
			}
			continue
		}
		if f.Method != zip.Store && f.Method != zip.Deflate {
			return bundleErr("entry %q uses compression method %d; use deflate or store", clean(f.Name), f.Method)
		}
		rc, err := f.Open()
		if err != nil {
			return bundleErr("entry %q: %v", clean(f.Name), err)
		}
		err = u.entry(f.Name, kind, rc)
		rc.Close()
		if err != nil {
			return err
		}
	}
	return nil
}

type entryKind int

const (
	kindFile entryKind = iota
	kindDir
)

// entry checks one entry's name and, for a file, reads it under the caps.
func (u *unpacker) entry(raw string, kind entryKind, r io.Reader) error {
	u.entries++
	if u.entries > u.lim.MaxEntries {
		return bundleTooLarge("bundle has more than %d entries", u.lim.MaxEntries)
	}
	name, err := entryName(raw)
	if err != nil {
		return err
	}
	if u.seen[name] {
		return bundleErr("entry %q appears twice", name)
	}
	u.seen[name] = true
	if kind == kindDir {
		return nil
	}
	// Read at most one byte past every cap that applies, so an oversized
	// entry is caught without reading it whole.
	limit := min(u.lim.MaxEntry, u.lim.MaxTotal-u.total, u.ratioBudget()) + 1
	b, err := io.ReadAll(io.LimitReader(r, limit))
	if err != nil {
		return bundleErr("entry %q: %v", name, err)
	}
	n := int64(len(b))
	switch {
	case n > u.lim.MaxEntry:
		return bundleTooLarge("entry %q is over the limit of %d bytes", name, u.lim.MaxEntry)
	case u.total+n > u.lim.MaxTotal:
		return bundleTooLarge("bundle unpacks to over %d bytes", u.lim.MaxTotal)
	case n > u.ratioBudget():
		return bundleTooLarge("bundle unpacks to over %d times its size (a decompression bomb?)", u.lim.MaxRatio)
	}
	u.total += n
	if base := path.Base(name); base == ManifestFile || base == ModuleFile {
		u.files[name] = b
	}
	return nil
}

// ratioBudget is how many more bytes may be unpacked within the ratio cap.
func (u *unpacker) ratioBudget() int64 {
	return u.lim.MaxRatio*u.compressed + u.lim.RatioSlack - u.total
}

// entryName cleans an entry's name and refuses one that is absolute,
// escapes the bundle, or is not clean UTF-8 text.
func entryName(raw string) (string, error) {
	name := strings.TrimSuffix(raw, "/")
	switch {
	case name == "" || !utf8.ValidString(name) || strings.ContainsAny(name, "\\\x00") || strings.ContainsFunc(name, isControl):
		return "", bundleErr("entry %q has a malformed name", clean(raw))
	case strings.HasPrefix(name, "/") || (len(name) > 1 && name[1] == ':'):
		return "", bundleErr("entry %q is an absolute path", clean(raw))
	}
	for _, part := range strings.Split(name, "/") {
		if part == ".." {
			return "", bundleErr("entry %q escapes the bundle (path traversal)", clean(raw))
		}
	}
	name = strings.TrimPrefix(path.Clean(name), "./")
	if !fs.ValidPath(name) || name == "." {
		return "", bundleErr("entry %q is not a clean relative path", clean(raw))
	}
	return name, nil
}

func isControl(r rune) bool { return r < 0x20 || r == 0x7f }

// clean makes an entry name safe to quote in an error.
func clean(s string) string {
	s = strings.Map(func(r rune) rune {
		if isControl(r) || r == utf8.RuneError {
			return '?'
		}
		return r
	}, s)
	if len(s) > 200 {
		s = s[:200] + "..."
	}
	return s
}

// upload picks config.json and app.wasm: both at the top, or both inside
// the same single folder.
func (u *unpacker) upload() (Upload, error) {
	dirs := map[string]bool{}
	for name := range u.files {
		if d := path.Dir(name); d == "." || !strings.Contains(d, "/") {
			dirs[d] = true
		}
	}
	var found []string
	for d := range dirs {
		_, hasM := u.files[path.Join(d, ManifestFile)]
		_, hasW := u.files[path.Join(d, ModuleFile)]
		if hasM && hasW {
			found = append(found, d)
		}
	}
	switch len(found) {
	case 0:
		return Upload{}, bundleErr("bundle has no %s and %s side by side, at the top or in one folder", ManifestFile, ModuleFile)
	case 1:
		d := found[0]
		return Upload{Manifest: u.files[path.Join(d, ManifestFile)], Wasm: u.files[path.Join(d, ModuleFile)]}, nil
	}
	return Upload{}, bundleErr("bundle holds %d apps; upload one app folder at a time", len(found))
}
