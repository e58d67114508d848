// Package greenfield is a Slotbox payment app for BTCPay Server, over its
// Greenfield API: a booking's payment is an invoice whose checkout link the
// booker pays, a refund is BTCPay's refund (a pull payment the booker
// claims), and BTCPay's webhooks, verified with their BTCPay-Sig HMAC,
// report the invoice's fate.
//
// Every request goes through the host's http_request with
// "auth":"credential": the host attaches the API key, so it never enters
// the module. The package has no build tags; apps/btcpayserver registers
// an App in its wasm module.
package greenfield

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/slotbox/slotbox/abi"
	slotbox "github.com/slotbox/slotbox/guest-sdk/go"
)

// The installation keys the app reads with vault_get (the manifest lists
// them in permissions.vault.reveal). The API key is never read: the host
// attaches it.
const (
	KeyServerURL     = "serverUrl"
	KeyStoreID       = "storeId"
	KeyWebhookSecret = "webhook_secret"
	KeyRedirectURL   = "redirectUrl"
)

// DefaultRequestTimeout bounds one request to BTCPay Server.
const DefaultRequestTimeout = 15 * time.Second

// Config configures an App. It is immutable: every With method returns a
// changed copy. Start from NewConfig.
type Config struct {
	timeout time.Duration
}

// NewConfig returns the default configuration.
func NewConfig() Config { return Config{timeout: DefaultRequestTimeout} }

// WithRequestTimeout returns c giving each request at most d.
func (c Config) WithRequestTimeout(d time.Duration) Config { c.timeout = d; return c }

// App is the BTCPay Server payment app. It implements the methods of
// slotbox.Payment it supports (Create, Refund, HandleWebhook) and
// slotbox.KeysChecker. It holds no state between calls.
type App struct {
	cfg Config
}

var _ slotbox.KeysChecker = (*App)(nil)

// New returns an App for cfg.
func New(cfg Config) (*App, error) {
	if cfg.timeout <= 0 {
		return nil, errors.New("greenfield: request timeout must be positive")
	}
	return &App{cfg: cfg}, nil
}

// CheckKeys serves app.checkKeys: GET /api/v1/stores/{storeId} with the API
// key. A refused key, a key without access to the store, or a store that
// does not exist is {valid:false, message}; failures that say nothing about
// the keys (network, 429, 5xx) are errors.
func (a *App) CheckKeys(ctx context.Context, _ *abi.AppCheckKeysInput) (*abi.AppCheckKeysResult, error) {
	s, err := a.store(ctx)
	if err != nil {
		if isCode(err, abi.CodeInvalidInput) {
			return &abi.AppCheckKeysResult{Valid: false, Message: errMessage(err)}, nil
		}
		return nil, err
	}
	var st struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	}
	err = a.call(ctx, "GET /stores/{storeId}", "GET", s.path(), nil, &st)
	switch {
	case isCode(err, CodeUnauthorized):
		return &abi.AppCheckKeysResult{Valid: false, Message: "BTCPay Server refused the API key, or the key has no access to the store: " + errMessage(err)}, nil
	case isCode(err, CodeNotFound):
		return &abi.AppCheckKeysResult{Valid: false, Message: "the store does not exist on this server: " + errMessage(err)}, nil
	case err != nil:
		return nil, fmt.Errorf("check keys: %w", err)
	case st.ID != s.id:
		return &abi.AppCheckKeysResult{Valid: false, Message: fmt.Sprintf("the server answered store %q for store %q: is serverUrl a BTCPay Server?", clip(st.ID, 64), clip(s.id, 64))}, nil
	}
	return &abi.AppCheckKeysResult{Valid: true}, nil
}

// store reads the server URL and store id keys.
func (a *App) store(ctx context.Context) (store, error) {
	keys, err := slotbox.Vault(ctx, KeyServerURL, KeyStoreID)
	if err != nil {
		return store{}, fmt.Errorf("read keys: %w", err)
	}
	return storeFrom(keys)
}

// storeFrom checks the server URL and store id keys.
func storeFrom(keys map[string]string) (store, error) {
	raw := strings.TrimSpace(keys[KeyServerURL])
	u, err := url.Parse(raw)
	switch {
	case raw == "":
		return store{}, invalidInput("the installation has no %s key", KeyServerURL)
	case err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "":
		return store{}, invalidInput("the %s key %q is not the http(s) URL of a BTCPay Server", KeyServerURL, clip(raw, 100))
	}
	id := strings.TrimSpace(keys[KeyStoreID])
	if id == "" || len(id) > 128 || strings.ContainsAny(id, "/?#\\") {
		return store{}, invalidInput("the %s key %q is not a store id", KeyStoreID, clip(id, 100))
	}
	return store{server: strings.TrimRight(u.String(), "/"), id: id}, nil
}

// isCode reports whether err carries code c.
func isCode(err error, c abi.Code) bool {
	var se *slotbox.Error
	return errors.As(err, &se) && se.Code == c
}

// errMessage is the message of the *slotbox.Error in err.
func errMessage(err error) string {
	var se *slotbox.Error
	if errors.As(err, &se) {
		return se.Message
	}
	return err.Error()
}
