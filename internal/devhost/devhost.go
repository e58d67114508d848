// Package devhost binds the real host functions (HTTP, vault, KV) for one
// installation over a throwaway SQLite database, for running an app outside
// the server: the CLI's invoke and the conformance runner.
package devhost

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/slotbox/slotbox/abi"
	"github.com/slotbox/slotbox/hostfuncs"
	httpfn "github.com/slotbox/slotbox/hostfuncs/http"
	"github.com/slotbox/slotbox/hostfuncs/kv"
	"github.com/slotbox/slotbox/hostfuncs/kv/kvsql"
	"github.com/slotbox/slotbox/hostfuncs/vault"
	"github.com/slotbox/slotbox/hostfuncs/vault/vaultsql"
	"github.com/slotbox/slotbox/internal/appstore"
	_ "modernc.org/sqlite" // database/sql driver "sqlite"
)

// Installation is the id of the one installation a Host serves.
const Installation = "local"

// Options are the operator's choices the server would make.
type Options struct {
	// AllowNet lists loopback or private HOST:PORT or CIDR exceptions to the
	// address policy.
	AllowNet []string
	// AllowHTTP permits plain http:// URLs.
	AllowHTTP bool
	// Audit receives one JSON line per credential reveal; nil discards them.
	Audit io.Writer
}

// Host is the real host functions over a throwaway SQLite database, as the
// server would bind them for one installation.
type Host struct {
	// Funcs are the bound host functions by import name.
	Funcs map[string]hostfuncs.Func
	http  *httpfn.Client
	db    *sql.DB
	dir   string
}

// New binds the host functions m's permissions grant, with keys as the
// installation's credential. Close removes the database.
func New(ctx context.Context, m *abi.Manifest, keys map[string]string, opts Options) (h *Host, err error) {
	h = &Host{Funcs: map[string]hostfuncs.Func{}}
	defer func() {
		if err != nil {
			h.Close()
		}
	}()
	if h.dir, err = os.MkdirTemp("", "slotbox-devhost-"); err != nil {
		return nil, err
	}
	if h.db, err = sql.Open("sqlite", "file:"+filepath.Join(h.dir, "devhost.db")+"?_pragma=busy_timeout(5000)&_pragma=journal_mode(WAL)"); err != nil {
		return nil, err
	}
	h.db.SetMaxOpenConns(1)

	key, err := vault.GenerateKey()
	if err != nil {
		return nil, err
	}
	sealer, err := vault.NewSealer(key)
	if err != nil {
		return nil, err
	}
	creds, err := vaultsql.New(ctx, h.db)
	if err != nil {
		return nil, err
	}
	v, err := vault.New(creds, sealer, vault.DefaultConfig())
	if err != nil {
		return nil, err
	}
	ref := vault.InstallationRef{ID: Installation, App: m.Slug}
	if err := v.Put(ctx, ref, vault.Credential{Keys: keys}); err != nil {
		return nil, fmt.Errorf("store keys: %w", err)
	}

	if h.http, err = httpfn.New(httpfn.NewConfig().WithAllowNet(opts.AllowNet...).WithAllowHTTP(opts.AllowHTTP)); err != nil {
		return nil, err
	}
	store, err := kvsql.New(ctx, h.db)
	if err != nil {
		return nil, err
	}
	k, err := kv.New(store, kv.DefaultConfig())
	if err != nil {
		return nil, err
	}
	audit := vault.AuditFunc(func(_ context.Context, e vault.Event) error {
		if opts.Audit != nil {
			b, _ := json.Marshal(e)
			fmt.Fprintf(opts.Audit, "audit %s\n", b)
		}
		return nil
	})
	// Bind exactly as the server does; the allow-list is always expanded
	// from the stored keys, which is the server's path for "{{keys.NAME}}"
	// entries and gives the same list for the others.
	binding := appstore.Binding{Installation: Installation, App: m.Slug, Manifest: m, KeyHosts: m.Permissions.HTTP != nil}
	if h.Funcs, err = appstore.NewBinder(h.http, v, k, audit).Bind(ctx, binding); err != nil {
		return nil, fmt.Errorf("allowedHosts: %w", err)
	}
	return h, nil
}

// Close releases the HTTP client and removes the database.
func (h *Host) Close() {
	if h.http != nil {
		h.http.Close()
	}
	if h.db != nil {
		_ = h.db.Close()
	}
	if h.dir != "" {
		_ = os.RemoveAll(h.dir)
	}
}
