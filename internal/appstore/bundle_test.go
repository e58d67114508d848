package appstore

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"errors"
	"io/fs"
	"strings"
	"testing"
)

// entry is one archive entry a test builds.
type entry struct {
	name string
	body []byte
	// kind: "" file, "dir", "symlink", "hardlink", "fifo"
	kind string
	// size, when not 0, makes a file of that many zero bytes.
	size int64
}

func tarGz(t testing.TB, entries ...entry) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	tw := tar.NewWriter(zw)
	for _, e := range entries {
		h := &tar.Header{Name: e.name, Mode: 0o644}
		var body []byte
		switch e.kind {
		case "":
			h.Typeflag = tar.TypeReg
			body = e.body
			if e.size > 0 {
				body = make([]byte, e.size)
			}
			h.Size = int64(len(body))
		case "dir":
			h.Typeflag, h.Mode = tar.TypeDir, 0o755
		case "symlink":
			h.Typeflag, h.Linkname = tar.TypeSymlink, "/etc/passwd"
		case "hardlink":
			h.Typeflag, h.Linkname = tar.TypeLink, "app/config.json"
		case "fifo":
			h.Typeflag = tar.TypeFifo
		}
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		if len(body) > 0 {
			if _, err := tw.Write(body); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func zipOf(t testing.TB, entries ...entry) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range entries {
		h := &zip.FileHeader{Name: e.name, Method: zip.Deflate}
		switch e.kind {
		case "dir":
			h.SetMode(fs.ModeDir | 0o755)
			h.Name = strings.TrimSuffix(e.name, "/") + "/"
		case "symlink":
			h.SetMode(fs.ModeSymlink | 0o777)
		default:
			h.SetMode(0o644)
		}
		w, err := zw.CreateHeader(h)
		if err != nil {
			t.Fatal(err)
		}
		body := e.body
		if e.kind == "symlink" {
			body = []byte("/etc/passwd")
		}
		if e.size > 0 {
			body = make([]byte, e.size)
		}
		if _, err := w.Write(body); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestReadBundle(t *testing.T) {
	manifest := []byte(`{"name":"x"}`)
	wasm := []byte("\x00asm\x01\x00\x00\x00")
	lim := DefaultBundleLimits(1 << 20)
	good := []entry{{name: "config.json", body: manifest}, {name: "app.wasm", body: wasm}}
	inFolder := []entry{{name: "myapp/", kind: "dir"}, {name: "myapp/config.json", body: manifest},
		{name: "myapp/app.wasm", body: wasm}, {name: "myapp/README.md", body: []byte("# hi")}, {name: "myapp/src/main.go", body: []byte("package main")}}
	many := make([]entry, 0, 300)
	for i := range 300 {
		many = append(many, entry{name: "f" + strings.Repeat("x", i%5) + string(rune('a'+i%26)) + "/" + string(rune('a'+i/26)), body: []byte("x")})
	}

	tests := []struct {
		name    string
		data    func(t testing.TB) []byte
		lim     BundleLimits
		wantErr string
		tooBig  bool
	}{
		{"tar.gz at the top", func(t testing.TB) []byte { return tarGz(t, good...) }, lim, "", false},
		{"zip at the top", func(t testing.TB) []byte { return zipOf(t, good...) }, lim, "", false},
		{"tar.gz in a folder with extras", func(t testing.TB) []byte { return tarGz(t, inFolder...) }, lim, "", false},
		{"zip in a folder with extras", func(t testing.TB) []byte { return zipOf(t, inFolder...) }, lim, "", false},
		{"dot slash names", func(t testing.TB) []byte {
			return tarGz(t, entry{name: "./config.json", body: manifest}, entry{name: "./app.wasm", body: wasm})
		}, lim, "", false},

		{"not an archive", func(testing.TB) []byte { return []byte("just text") }, lim, "not a .tar.gz or .zip", false},
		{"truncated gzip", func(t testing.TB) []byte { return tarGz(t, good...)[:20] }, lim, "", false},
		{"traversal tar", func(t testing.TB) []byte {
			return tarGz(t, append(good, entry{name: "../../etc/cron.d/x", body: []byte("* * * * * root sh")})...)
		}, lim, "path traversal", false},
		{"traversal zip", func(t testing.TB) []byte {
			return zipOf(t, append(good, entry{name: "app/../../x", body: []byte("x")})...)
		}, lim, "", false},
		{"absolute tar", func(t testing.TB) []byte {
			return tarGz(t, append(good, entry{name: "/etc/passwd", body: []byte("x")})...)
		}, lim, "absolute", false},
		{"absolute zip", func(t testing.TB) []byte { return zipOf(t, append(good, entry{name: "/tmp/x", body: []byte("x")})...) }, lim, "", false},
		{"windows drive", func(t testing.TB) []byte { return zipOf(t, append(good, entry{name: "C:/x", body: []byte("x")})...) }, lim, "absolute", false},
		{"backslash", func(t testing.TB) []byte { return zipOf(t, append(good, entry{name: `..\x`, body: []byte("x")})...) }, lim, "malformed name", false},
		{"symlink tar", func(t testing.TB) []byte { return tarGz(t, append(good, entry{name: "link", kind: "symlink"})...) }, lim, "is a link", false},
		{"symlink zip", func(t testing.TB) []byte { return zipOf(t, append(good, entry{name: "link", kind: "symlink"})...) }, lim, "is a link", false},
		{"symlink as the module", func(t testing.TB) []byte {
			return tarGz(t, entry{name: "config.json", body: manifest}, entry{name: "app.wasm", kind: "symlink"})
		}, lim, "is a link", false},
		{"hardlink tar", func(t testing.TB) []byte { return tarGz(t, append(good, entry{name: "x", kind: "hardlink"})...) }, lim, "is a link", false},
		{"fifo tar", func(t testing.TB) []byte { return tarGz(t, append(good, entry{name: "x", kind: "fifo"})...) }, lim, "not a plain file", false},
		{"duplicate tar", func(t testing.TB) []byte {
			return tarGz(t, append(good, entry{name: "app.wasm", body: []byte("\x00asm second")})...)
		}, lim, "appears twice", false},
		{"duplicate after cleaning", func(t testing.TB) []byte {
			return tarGz(t, append(good, entry{name: "./config.json", body: manifest})...)
		}, lim, "appears twice", false},
		{"duplicate zip", func(t testing.TB) []byte {
			return zipOf(t, append(good, entry{name: "config.json", body: manifest})...)
		}, lim, "appears twice", false},
		{"missing module", func(t testing.TB) []byte { return tarGz(t, entry{name: "config.json", body: manifest}) }, lim, "no config.json and app.wasm", false},
		{"files in different folders", func(t testing.TB) []byte {
			return tarGz(t, entry{name: "a/config.json", body: manifest}, entry{name: "b/app.wasm", body: wasm})
		}, lim, "no config.json and app.wasm", false},
		{"too deep", func(t testing.TB) []byte {
			return tarGz(t, entry{name: "a/b/config.json", body: manifest}, entry{name: "a/b/app.wasm", body: wasm})
		}, lim, "no config.json and app.wasm", false},
		{"two apps", func(t testing.TB) []byte {
			return tarGz(t, entry{name: "a/config.json", body: manifest}, entry{name: "a/app.wasm", body: wasm},
				entry{name: "b/config.json", body: manifest}, entry{name: "b/app.wasm", body: wasm})
		}, lim, "holds 2 apps", false},
		{"too many entries tar", func(t testing.TB) []byte { return tarGz(t, append(good, many...)...) }, lim, "entries", true},
		{"too many entries zip", func(t testing.TB) []byte { return zipOf(t, append(good, many...)...) }, lim, "entries", true},
		{"entry over its cap", func(t testing.TB) []byte {
			return tarGz(t, entry{name: "config.json", body: manifest}, entry{name: "app.wasm", size: 2 << 20})
		}, BundleLimits{MaxCompressed: 1 << 30, MaxTotal: 1 << 30, MaxEntries: 10, MaxEntry: 1 << 20, MaxRatio: 1 << 20, RatioSlack: 1 << 30}, "over the limit", true},
		{"total over its cap", func(t testing.TB) []byte {
			return tarGz(t, entry{name: "config.json", body: manifest}, entry{name: "app.wasm", size: 600 << 10}, entry{name: "pad", size: 600 << 10})
		}, BundleLimits{MaxCompressed: 1 << 30, MaxTotal: 1 << 20, MaxEntries: 10, MaxEntry: 1 << 20, MaxRatio: 1 << 20, RatioSlack: 1 << 30}, "unpacks to over", true},
		{"bomb tar.gz", func(t testing.TB) []byte {
			return tarGz(t, entry{name: "config.json", body: manifest}, entry{name: "app.wasm", size: 64 << 20})
		}, BundleLimits{MaxCompressed: 1 << 30, MaxTotal: 1 << 30, MaxEntries: 10, MaxEntry: 1 << 30, MaxRatio: 100, RatioSlack: 1 << 20}, "decompression bomb", true},
		{"bomb zip", func(t testing.TB) []byte {
			return zipOf(t, entry{name: "config.json", body: manifest}, entry{name: "app.wasm", size: 64 << 20})
		}, BundleLimits{MaxCompressed: 1 << 30, MaxTotal: 1 << 30, MaxEntries: 10, MaxEntry: 1 << 30, MaxRatio: 100, RatioSlack: 1 << 20}, "decompression bomb", true},
		{"compressed over its cap", func(t testing.TB) []byte { return tarGz(t, good...) },
			BundleLimits{MaxCompressed: 10, MaxTotal: 1 << 20, MaxEntries: 10, MaxEntry: 1 << 20, MaxRatio: 100, RatioSlack: 1 << 20}, "over the limit", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			up, err := ReadBundle(tt.data(t), tt.lim)
			var be *BundleError
			switch {
			case tt.name == "truncated gzip" || strings.HasPrefix(tt.name, "traversal zip") || tt.name == "absolute zip":
				// Refused; the exact reason depends on where the archive breaks.
				if !errors.As(err, &be) {
					t.Fatalf("err = %v, want a BundleError", err)
				}
			case tt.wantErr == "":
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(up.Manifest, manifest) || !bytes.Equal(up.Wasm, wasm) {
					t.Fatalf("upload = %q / %q", up.Manifest, up.Wasm)
				}
			default:
				if !errors.As(err, &be) || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want a BundleError containing %q", err, tt.wantErr)
				}
				if be.TooLarge != tt.tooBig {
					t.Fatalf("TooLarge = %v, want %v", be.TooLarge, tt.tooBig)
				}
			}
		})
	}
}

func TestEntryName(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"config.json", "config.json", true},
		{"./app/config.json", "app/config.json", true},
		{"app//x", "app/x", true},
		{"app/./x", "app/x", true},
		{"app/", "app", true},
		{"../x", "", false},
		{"a/../../x", "", false},
		{"a/..", "", false},
		{"/abs", "", false},
		{"c:/x", "", false},
		{"a\\b", "", false},
		{"a\x00b", "", false},
		{"a\nb", "", false},
		{"\xff", "", false},
		{"", "", false},
		{".", "", false},
		{"./", "", false},
	}
	for _, tt := range tests {
		got, err := entryName(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("entryName(%q) = %q, %v; want %q ok=%v", tt.in, got, err, tt.want, tt.ok)
		}
	}
}

// FuzzReadBundle feeds arbitrary bytes (seeded with real archives) to the
// bundle reader: it must never panic, and whatever it accepts must respect
// the caps.
func FuzzReadBundle(f *testing.F) {
	manifest, wasm := []byte(`{"name":"x"}`), []byte("\x00asm\x01\x00\x00\x00")
	f.Add(tarGz(f, entry{name: "config.json", body: manifest}, entry{name: "app.wasm", body: wasm}))
	f.Add(zipOf(f, entry{name: "a/config.json", body: manifest}, entry{name: "a/app.wasm", body: wasm}))
	f.Add(tarGz(f, entry{name: "../x", body: manifest}))
	f.Add(zipOf(f, entry{name: "l", kind: "symlink"}))
	f.Add([]byte("PK\x05\x06" + strings.Repeat("\x00", 18)))
	lim := BundleLimits{MaxCompressed: 1 << 20, MaxTotal: 1 << 20, MaxEntries: 16, MaxEntry: 256 << 10, MaxRatio: 50, RatioSlack: 64 << 10}
	f.Fuzz(func(t *testing.T, data []byte) {
		up, err := ReadBundle(data, lim)
		if err != nil {
			var be *BundleError
			if !errors.As(err, &be) {
				t.Fatalf("error of another kind: %v", err)
			}
			return
		}
		if int64(len(up.Wasm)) > lim.MaxEntry || int64(len(up.Manifest)) > lim.MaxEntry ||
			int64(len(up.Wasm)+len(up.Manifest)) > lim.MaxTotal {
			t.Fatalf("accepted an upload over the caps: %d + %d bytes", len(up.Manifest), len(up.Wasm))
		}
	})
}
