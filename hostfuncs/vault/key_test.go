package vault_test

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/slotbox/slotbox/hostfuncs/vault"
)

func TestParseKey(t *testing.T) {
	raw := bytes.Repeat([]byte{0xab}, 32)
	want, _ := vault.NewKey(raw)
	tests := []struct {
		name, text string
		ok         bool
	}{
		{"hex", hex.EncodeToString(raw), true},
		{"hex upper", strings.ToUpper(hex.EncodeToString(raw)), true},
		{"base64", base64.StdEncoding.EncodeToString(raw), true},
		{"base64 raw", base64.RawStdEncoding.EncodeToString(raw), true},
		{"base64 url", base64.URLEncoding.EncodeToString(raw), true},
		{"base64 with newline", base64.StdEncoding.EncodeToString(raw) + "\n", true},
		{"empty", "", false},
		{"blank", "  \n", false},
		{"hex short", hex.EncodeToString(raw[:31]), false},
		{"base64 of 31 bytes", base64.StdEncoding.EncodeToString(raw[:31]), false},
		{"base64 of 33 bytes", base64.StdEncoding.EncodeToString(append(raw, 1)), false},
		{"passphrase", "correct horse battery staple", false},
		{"hex with junk", hex.EncodeToString(raw)[:62] + "zz", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k, err := vault.ParseKey(tt.text)
			if tt.ok {
				if err != nil || k.ID() != want.ID() {
					t.Fatalf("ParseKey = %v, %v; want %v", k, err, want)
				}
				return
			}
			if err == nil {
				t.Fatal("ParseKey accepted it")
			}
			if tt.text != "" && strings.TrimSpace(tt.text) != "" && strings.Contains(err.Error(), strings.TrimSpace(tt.text)) {
				t.Errorf("error repeats the key text: %v", err)
			}
		})
	}
}

func TestKeyNeverPrintsSecret(t *testing.T) {
	k := mustKey(t)
	secret := k.Encode()
	raw, _ := base64.StdEncoding.DecodeString(secret)
	var buf syncBuffer
	slog.New(slog.NewTextHandler(&buf, nil)).Info("key", "k", k)
	j, _ := json.Marshal(struct{ K vault.Key }{k})
	outs := []string{fmt.Sprint(k), fmt.Sprintf("%v %+v %#v %s", k, k, k, k), string(j), buf.String()}
	for _, out := range outs {
		if strings.Contains(out, secret) || strings.Contains(out, hex.EncodeToString(raw)) || !strings.Contains(out, k.ID()) {
			t.Errorf("printed key %q leaks the secret or lacks the id", out)
		}
	}
}

func TestLoadMasterKey(t *testing.T) {
	k := mustKey(t)
	envOf := func(m map[string]string) func(string) string { return func(s string) string { return m[s] } }

	t.Run("inline", func(t *testing.T) {
		got, err := vault.LoadMasterKey(envOf(map[string]string{vault.EnvMasterKey: k.Encode()}), t.TempDir(), nil)
		if err != nil || got.ID() != k.ID() {
			t.Fatalf("got %v, %v", got, err)
		}
	})
	t.Run("inline invalid", func(t *testing.T) {
		_, err := vault.LoadMasterKey(envOf(map[string]string{vault.EnvMasterKey: "hunter2hunter2"}), t.TempDir(), nil)
		if err == nil || !strings.Contains(err.Error(), vault.EnvMasterKey) || strings.Contains(err.Error(), "hunter2") {
			t.Fatalf("err = %v; want one naming the variable, not the value", err)
		}
	})
	t.Run("both set", func(t *testing.T) {
		_, err := vault.LoadMasterKey(envOf(map[string]string{vault.EnvMasterKey: k.Encode(), vault.EnvMasterKeyFile: "/x"}), t.TempDir(), nil)
		if err == nil {
			t.Fatal("accepted both")
		}
	})
	t.Run("file", func(t *testing.T) {
		p := filepath.Join(t.TempDir(), "k")
		if err := os.WriteFile(p, []byte(k.Encode()+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		got, err := vault.LoadMasterKey(envOf(map[string]string{vault.EnvMasterKeyFile: p}), "", nil)
		if err != nil || got.ID() != k.ID() {
			t.Fatalf("got %v, %v", got, err)
		}
	})
	t.Run("file readable by others warns", func(t *testing.T) {
		p := filepath.Join(t.TempDir(), "k")
		if err := os.WriteFile(p, []byte(k.Encode()), 0o644); err != nil {
			t.Fatal(err)
		}
		var buf syncBuffer
		got, err := vault.LoadMasterKey(envOf(map[string]string{vault.EnvMasterKeyFile: p}), "", newLogger(&buf))
		if err != nil || got.ID() != k.ID() {
			t.Fatalf("got %v, %v", got, err)
		}
		if !strings.Contains(buf.String(), "readable by group or others") {
			t.Errorf("no warning logged: %s", buf.String())
		}
	})
	t.Run("file missing", func(t *testing.T) {
		_, err := vault.LoadMasterKey(envOf(map[string]string{vault.EnvMasterKeyFile: filepath.Join(t.TempDir(), "nope")}), "", nil)
		if err == nil {
			t.Fatal("accepted a missing file")
		}
	})
	t.Run("neither and no data dir", func(t *testing.T) {
		if _, err := vault.LoadMasterKey(envOf(nil), "", nil); err == nil {
			t.Fatal("no error")
		}
	})
	t.Run("generate then reuse", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "data")
		var buf syncBuffer
		first, err := vault.LoadMasterKey(envOf(nil), dir, newLogger(&buf))
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(dir, vault.MasterKeyFile)
		st, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if st.Mode().Perm() != 0o600 {
			t.Errorf("generated key file mode %#o; want 0600", st.Mode().Perm())
		}
		if got := strings.Count(buf.String(), "back it up"); got != 1 {
			t.Errorf("logged the backup warning %d times; want 1: %s", got, buf.String())
		}
		if strings.Contains(buf.String(), first.Encode()) {
			t.Error("log holds the generated key")
		}
		second, err := vault.LoadMasterKey(envOf(nil), dir, newLogger(&buf))
		if err != nil || second.ID() != first.ID() {
			t.Fatalf("reload = %v, %v; want %v", second, err, first)
		}
		if got := strings.Count(buf.String(), "back it up"); got != 1 {
			t.Errorf("reloading logged the backup warning again")
		}
		entries, _ := os.ReadDir(dir)
		if len(entries) != 1 {
			t.Errorf("data dir holds %d entries; want only %s", len(entries), vault.MasterKeyFile)
		}
	})
	t.Run("existing key file readable by others is refused", func(t *testing.T) {
		dir := t.TempDir()
		path := filepath.Join(dir, vault.MasterKeyFile)
		for _, mode := range []os.FileMode{0o640, 0o604, 0o644} {
			if err := os.WriteFile(path, []byte(k.Encode()), 0o600); err != nil {
				t.Fatal(err)
			}
			if err := os.Chmod(path, mode); err != nil {
				t.Fatal(err)
			}
			_, err := vault.LoadMasterKey(envOf(nil), dir, nil)
			if err == nil || !strings.Contains(err.Error(), "chmod 600") {
				t.Errorf("mode %#o: err = %v; want a refusal", mode, err)
			}
		}
	})
	t.Run("existing key file garbage", func(t *testing.T) {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, vault.MasterKeyFile), []byte("not a key"), 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := vault.LoadMasterKey(envOf(nil), dir, nil); err == nil {
			t.Fatal("accepted garbage")
		}
	})
}

func TestLoadPreviousKeys(t *testing.T) {
	a, b, c := mustKey(t), mustKey(t), mustKey(t)
	p := filepath.Join(t.TempDir(), "prev")
	if err := os.WriteFile(p, []byte("# old keys\n"+c.Encode()+"\n\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{vault.EnvPreviousKeys: a.Encode() + ", " + b.Encode(), vault.EnvPreviousKeysFile: p}
	keys, err := vault.LoadPreviousKeys(func(s string) string { return env[s] })
	if err != nil {
		t.Fatal(err)
	}
	if len(keys) != 3 || keys[0].ID() != a.ID() || keys[1].ID() != b.ID() || keys[2].ID() != c.ID() {
		t.Fatalf("keys = %v", keys)
	}
	none, err := vault.LoadPreviousKeys(func(string) string { return "" })
	if err != nil || len(none) != 0 {
		t.Fatalf("no env: %v, %v", none, err)
	}
	if _, err := vault.LoadPreviousKeys(func(s string) string { return map[string]string{vault.EnvPreviousKeys: "bad"}[s] }); err == nil {
		t.Fatal("accepted a bad previous key")
	}
}
