package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/slotbox/slotbox/abi"
	"github.com/slotbox/slotbox/hostfuncs"
	httpfn "github.com/slotbox/slotbox/hostfuncs/http"
	"github.com/slotbox/slotbox/hostfuncs/kv"
	"github.com/slotbox/slotbox/hostfuncs/kv/kvsql"
	"github.com/slotbox/slotbox/hostfuncs/vault"
	"github.com/slotbox/slotbox/hostfuncs/vault/vaultsql"
	_ "modernc.org/sqlite" // database/sql driver "sqlite"
)

// localInstallation is the one installation invoke runs as.
const localInstallation = "local"

// localHost is the real host functions over a throwaway SQLite database, as
// the server would bind them for one installation.
type localHost struct {
	funcs map[string]hostfuncs.Func
	http  *httpfn.Client
	db    *sql.DB
	dir   string
}

func newLocalHost(ctx context.Context, m *abi.Manifest, keys map[string]string, allowNet []string, allowHTTP bool) (h *localHost, err error) {
	h = &localHost{funcs: map[string]hostfuncs.Func{}}
	defer func() {
		if err != nil {
			h.close()
		}
	}()
	if h.dir, err = os.MkdirTemp("", "slotbox-invoke-"); err != nil {
		return nil, err
	}
	if h.db, err = sql.Open("sqlite", "file:"+filepath.Join(h.dir, "invoke.db")+"?_pragma=busy_timeout(5000)&_pragma=journal_mode(WAL)"); err != nil {
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
	ref := vault.InstallationRef{ID: localInstallation, App: m.Slug}
	if err := v.Put(ctx, ref, vault.Credential{Keys: keys}); err != nil {
		return nil, fmt.Errorf("store keys: %w", err)
	}

	if m.Permissions.HTTP != nil {
		entries, err := abi.ExpandAllowedHosts(m.Permissions.HTTP.AllowedHosts, keys)
		if err != nil {
			return nil, err
		}
		list, err := httpfn.ParseAllowList(entries)
		if err != nil {
			return nil, fmt.Errorf("allowedHosts: %w", err)
		}
		if h.http, err = httpfn.New(httpfn.NewConfig().WithAllowNet(allowNet...).WithAllowHTTP(allowHTTP)); err != nil {
			return nil, err
		}
		h.funcs[abi.ImportHTTPRequest] = h.http.Func(httpfn.Grant{
			Installation:  localInstallation,
			AllowList:     list,
			Authenticator: v.Authenticator(ref, m.Credential),
		})
	}
	if m.Permissions.Vault != nil {
		audit := vault.AuditFunc(func(_ context.Context, e vault.Event) error {
			b, _ := json.Marshal(e)
			fmt.Fprintf(os.Stderr, "audit %s\n", b)
			return nil
		})
		h.funcs[abi.ImportVaultGet] = v.Func(vault.Grant{Installation: ref, Reveal: m.Permissions.Vault.Reveal, Audit: audit})
	}
	if m.Permissions.KV {
		store, err := kvsql.New(ctx, h.db)
		if err != nil {
			return nil, err
		}
		k, err := kv.New(store, kv.DefaultConfig())
		if err != nil {
			return nil, err
		}
		get, set, del := k.Funcs(kv.Grant{Installation: localInstallation})
		h.funcs[abi.ImportKVGet], h.funcs[abi.ImportKVSet], h.funcs[abi.ImportKVDelete] = get, set, del
	}
	return h, nil
}

func (h *localHost) close() {
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
