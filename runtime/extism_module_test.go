package runtime

import (
	"os"
	"path/filepath"
	"testing"
)

// TestRewriteForExtism checks the upload rewrite on every committed Extism
// plugin: the kernel imports are renamed and nothing else of the import
// list changes, every table gets a maximum, exports keep their signatures, a
// start function becomes the export _initialize, and a second pass changes
// nothing more.
func TestRewriteForExtism(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(extismWATDir, "*.wasm"))
	if err != nil {
		t.Fatal(err)
	}
	files = append(files, filepath.Join(extismDir, "gocal.wasm"), filepath.Join(extismDir, "asvideo.wasm"), filepath.Join(extismDir, "ascounter.wasm"))
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			wasm, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			checkRewrite(t, wasm)
		})
	}
}

// checkRewrite checks rewriteForExtism's properties on one module that
// inspectModule and readModuleSigs accept; it reports whether they did.
func checkRewrite(t *testing.T, wasm []byte) bool {
	t.Helper()
	if _, err := inspectModule(wasm); err != nil {
		return false
	}
	before, err := readModuleSigs(wasm)
	if err != nil {
		return false
	}
	out, err := rewriteForExtism(wasm, extismEnvModule, extismKernelModule, 1000)
	if err != nil {
		return false
	}
	info, err := inspectModule(out)
	if err != nil {
		t.Fatalf("rewritten module does not inspect: %v", err)
	}
	after, err := readModuleSigs(out)
	if err != nil {
		t.Fatalf("rewritten module does not decode: %v", err)
	}
	wantExports := before.exports
	if before.hasStart {
		// The start function is exported as _initialize instead.
		var sig funcSig
		if n := len(after.exports); n > 0 {
			sig = after.exports[n-1].sig // the start function's own type
		}
		wantExports = append(wantExports[:len(wantExports):len(wantExports)], sigExport{name: initExport, sig: sig})
	}
	if len(after.imports) != len(before.imports) || len(after.exports) != len(wantExports) || after.hasStart {
		t.Fatalf("rewrite changed the module's shape: %d/%d imports, %d/%d exports, start %v", len(before.imports), len(after.imports), len(wantExports), len(after.exports), after.hasStart)
	}
	for i, im := range after.imports {
		want := before.imports[i]
		if want.module == extismEnvModule {
			want.module = extismKernelModule
		}
		if im.module != want.module || im.name != want.name || im.kind != want.kind || im.sig.String() != want.sig.String() {
			t.Fatalf("import %d is %s.%s %s; want %s.%s %s", i, im.module, im.name, im.sig, want.module, want.name, want.sig)
		}
	}
	for i, ex := range after.exports {
		if ex.name != wantExports[i].name || ex.sig.String() != wantExports[i].sig.String() {
			t.Fatalf("export %d changed: %s %s", i, ex.name, ex.sig)
		}
	}
	for i, tab := range info.tables {
		if !tab.hasMax {
			t.Fatalf("table %d has no maximum after the rewrite", i)
		}
	}
	again, err := rewriteForExtism(out, extismEnvModule, extismKernelModule, 1000)
	if err != nil || string(again) != string(out) {
		t.Fatalf("a second rewrite changed the module (err %v)", err)
	}
	return true
}

// FuzzRewriteForExtism feeds the upload rewrite and the signature decoder
// arbitrary bytes: they must never panic, and on every module they accept
// the rewrite must keep its properties (checkRewrite).
func FuzzRewriteForExtism(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join(extismWATDir, "*.wasm"))
	files = append(files, filepath.Join(extismDir, "asvideo.wasm"), filepath.Join(extismDir, "ascounter.wasm"))
	for _, file := range files {
		if b, err := os.ReadFile(file); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte("\x00asm\x01\x00\x00\x00"))
	f.Fuzz(func(t *testing.T, wasm []byte) {
		checkRewrite(t, wasm)
	})
}

func TestExportOfMethod(t *testing.T) {
	tests := []struct {
		method, export string
		ok             bool
	}{
		{"calendar.createEvent", "calendar_createEvent", true},
		{"app.checkKeys", "app_checkKeys", true},
		{"test.kv_get", "test_kv_get", true},
		{"a.b.c2", "a_b_c2", true},
		{"_initialize", "", false},
		{".initialize", "", false},
		{"_.start", "", false},
		{"test._start", "", false},
		{"test.", "", false},
		{"test", "", false},
		{"test..x", "", false},
		{"1a.b", "", false},
		{"a.b-c", "", false},
		{"", "", false},
	}
	for _, tt := range tests {
		got, ok := exportOfMethod(tt.method)
		if got != tt.export || ok != tt.ok {
			t.Errorf("exportOfMethod(%q) = %q, %v; want %q, %v", tt.method, got, ok, tt.export, tt.ok)
		}
	}
}
