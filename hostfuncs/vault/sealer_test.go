package vault_test

import (
	"bytes"
	"errors"
	"testing"

	"github.com/slotbox/slotbox/hostfuncs/vault"
)

var aadA = vault.AAD{App: "zoomvideo", Installation: "inst-a"}

func TestSealerRoundTrip(t *testing.T) {
	k := mustKey(t)
	s := mustSealer(t, k)
	for _, pt := range [][]byte{{}, []byte("x"), bytes.Repeat([]byte("secret"), 1000)} {
		ct, err := s.Seal(aadA, pt)
		if err != nil {
			t.Fatal(err)
		}
		if len(ct) != len(pt)+vault.Overhead {
			t.Errorf("ciphertext %d bytes for %d plaintext; want overhead %d", len(ct), len(pt), vault.Overhead)
		}
		if id, err := vault.KeyIDOf(ct); err != nil || id != k.ID() {
			t.Errorf("KeyIDOf = %q, %v; want %q", id, err, k.ID())
		}
		got, err := s.Open(aadA, ct)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, pt) {
			t.Errorf("Open = %q; want %q", got, pt)
		}
	}
}

func TestSealerFreshNonce(t *testing.T) {
	s := mustSealer(t, mustKey(t))
	a, _ := s.Seal(aadA, []byte("same"))
	b, _ := s.Seal(aadA, []byte("same"))
	if bytes.Equal(a, b) {
		t.Fatal("two seals of one plaintext are equal: nonce reused")
	}
}

func TestSealerTamper(t *testing.T) {
	s := mustSealer(t, mustKey(t))
	ct, err := s.Seal(aadA, []byte("canary-7f3a-tamper"))
	if err != nil {
		t.Fatal(err)
	}
	regions := []struct {
		name string
		at   int
		want error
	}{
		{"version", 0, vault.ErrFormat},
		{"key id", 1, vault.ErrUnknownKey},
		{"nonce first", 9, vault.ErrDecrypt},
		{"nonce last", 20, vault.ErrDecrypt},
		{"ciphertext", 21, vault.ErrDecrypt},
		{"ciphertext mid", 21 + 9, vault.ErrDecrypt},
		{"tag first", len(ct) - 16, vault.ErrDecrypt},
		{"tag last", len(ct) - 1, vault.ErrDecrypt},
	}
	for _, r := range regions {
		t.Run(r.name, func(t *testing.T) {
			bad := bytes.Clone(ct)
			bad[r.at] ^= 0x01
			_, err := s.Open(aadA, bad)
			if !errors.Is(err, r.want) {
				t.Fatalf("Open after flipping byte %d = %v; want %v", r.at, err, r.want)
			}
		})
	}
	t.Run("truncated", func(t *testing.T) {
		if _, err := s.Open(aadA, ct[:len(ct)-1]); !errors.Is(err, vault.ErrDecrypt) {
			t.Fatalf("Open of truncated = %v", err)
		}
		if _, err := s.Open(aadA, ct[:vault.Overhead-1]); !errors.Is(err, vault.ErrFormat) {
			t.Fatalf("Open of short = %v", err)
		}
	})
}

func TestSealerBindsAAD(t *testing.T) {
	s := mustSealer(t, mustKey(t))
	ct, err := s.Seal(aadA, []byte("secret"))
	if err != nil {
		t.Fatal(err)
	}
	others := []vault.AAD{
		{App: "zoomvideo", Installation: "inst-b"},
		{App: "googlecalendar", Installation: "inst-a"},
		// Length prefixes: moving a byte between fields must not collide.
		{App: "zoomvideoi", Installation: "nst-a"},
	}
	for _, aad := range others {
		if _, err := s.Open(aad, ct); !errors.Is(err, vault.ErrDecrypt) {
			t.Errorf("Open for %+v = %v; want ErrDecrypt", aad, err)
		}
	}
	if _, err := s.Seal(vault.AAD{App: "x"}, nil); err == nil {
		t.Error("Seal without installation succeeded")
	}
	if _, err := s.Open(vault.AAD{Installation: "x"}, ct); err == nil {
		t.Error("Open without app succeeded")
	}
}

func TestSealerKeys(t *testing.T) {
	oldK, newK := mustKey(t), mustKey(t)
	old := mustSealer(t, oldK)
	both := mustSealer(t, newK, oldK)
	onlyNew := mustSealer(t, newK)

	ctOld, _ := old.Seal(aadA, []byte("v1"))
	if _, err := both.Open(aadA, ctOld); err != nil {
		t.Errorf("sealer with the old key as older one cannot open: %v", err)
	}
	if _, err := onlyNew.Open(aadA, ctOld); !errors.Is(err, vault.ErrUnknownKey) {
		t.Errorf("sealer without the old key: %v; want ErrUnknownKey", err)
	}
	ctNew, _ := both.Seal(aadA, []byte("v2"))
	if !onlyNew.IsCurrent(ctNew) || onlyNew.IsCurrent(ctOld) || both.IsCurrent(ctOld) {
		t.Error("IsCurrent disagrees with the sealing key")
	}
	if got := both.KeyIDs(); len(got) != 2 || got[0] != newK.ID() || got[1] != oldK.ID() {
		t.Errorf("KeyIDs = %v", got)
	}
	if _, err := vault.NewSealer(vault.Key{}); err == nil {
		t.Error("NewSealer accepted the zero key")
	}
}

// FuzzOpen feeds arbitrary bytes to Open: it must never panic, anything
// that opens must be what was sealed ("seed", the only plaintext sealed
// under this fixed key), and no one-byte change of it may open too.
func FuzzOpen(f *testing.F) {
	k, _ := vault.NewKey(bytes.Repeat([]byte{7}, vault.KeySize))
	s, _ := vault.NewSealer(k)
	ct, _ := s.Seal(aadA, []byte("seed"))
	f.Add(ct)
	f.Add([]byte{1})
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		pt, err := s.Open(aadA, b)
		if err != nil {
			return
		}
		if string(pt) != "seed" {
			t.Fatalf("Open accepted a forged ciphertext, plaintext %q", pt)
		}
		for i := range b {
			bad := bytes.Clone(b)
			bad[i] ^= 0x80
			if _, err := s.Open(aadA, bad); err == nil {
				t.Fatalf("ciphertext still opens with byte %d changed", i)
			}
		}
	})
}

func BenchmarkSeal(b *testing.B) {
	s := mustSealer(b, mustKey(b))
	pt := bytes.Repeat([]byte("k"), 512)
	b.SetBytes(int64(len(pt)))
	for b.Loop() {
		if _, err := s.Seal(aadA, pt); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkOpen(b *testing.B) {
	s := mustSealer(b, mustKey(b))
	pt := bytes.Repeat([]byte("k"), 512)
	ct, _ := s.Seal(aadA, pt)
	b.SetBytes(int64(len(pt)))
	for b.Loop() {
		if _, err := s.Open(aadA, ct); err != nil {
			b.Fatal(err)
		}
	}
}
